//! Shared page furniture: layout and navigation, form fields that show their errors, list
//! toolbars, paging, and the one island that improves forms when JavaScript is available.

pub mod enhanced_form;
pub mod fields;
pub mod flash;
pub mod format;
pub mod layout;
pub mod lists;

pub use enhanced_form::EnhancedForm;
pub use fields::FormState;
pub use layout::PageHeader;
