//! Pieces shared by every list-and-form resource: the field rules of forms (`fields`) and the
//! list query runner (`store`).

pub mod fields;
#[cfg(feature = "ssr")]
pub mod store;
