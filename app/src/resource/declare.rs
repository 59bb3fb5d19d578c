//! The three server functions of a list-and-form resource, written from a declaration: its
//! list, one record for its edit page, and its save. Each is a guard and one call into the
//! generic `resource` service; reading and writing may ask for different roles.
//!
//! ```ignore
//! resource_endpoints! {
//!     resource: Themes, view: ThemeView, choices: (), form: ThemeForm,
//!     list: list_themes = "themes/list", get: get_theme = "themes/get", read: STAFF,
//!     save: save_theme = "themes/save", write: ADMIN,
//! }
//! ```

macro_rules! resource_endpoints {
    (
        resource: $resource:ty, view: $view:ty, choices: $choices:ty, form: $form:ty,
        list: $list:ident = $list_endpoint:literal, get: $get:ident = $get_endpoint:literal, read: $read:expr,
        save: $save:ident = $save_endpoint:literal, write: $write:expr $(,)?
    ) => {
        /// The list: filtered, sorted and paged, for those who may read the resource.
        #[server(endpoint = $list_endpoint)]
        pub async fn $list(#[server(flatten)] query: ListQuery) -> Result<Listing<$view>, AppError> {
            let user = crate::auth::guard::require($read).await?;
            crate::api::answer(crate::resource::list::<$resource>(&user, &query).await)
        }

        /// One record (none for a new one) with what its form chooses from.
        #[server(endpoint = $get_endpoint)]
        pub async fn $get(#[server(default)] id: String) -> Result<Editing<$view, $choices>, AppError> {
            let user = crate::auth::guard::require($read).await?;
            crate::api::answer(crate::resource::get::<$resource>(&user, &id).await)
        }

        /// Creates or changes a record, for those who may write the resource.
        #[server(endpoint = $save_endpoint)]
        pub async fn $save(#[server(flatten)] form: $form) -> Result<(), AppError> {
            let user = crate::auth::guard::require($write).await?;
            crate::api::respond(crate::resource::save::<$resource>(&user, &form.id, &form).await, &form)
        }
    };
}

pub(crate) use resource_endpoints;
