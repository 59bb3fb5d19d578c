//! `resource!`: a resource declared once. From its table, its names, its view, form and choices,
//! and who may read and write it, it writes the unit struct, its [`Declared`] part (what every
//! resource states the same way) and its three server functions: the list, one record for its
//! edit page, and the save. Each server function is a guard and one call into the generic
//! `resource` service; reading and writing may ask for different roles. What is a resource's
//! own (columns, filters, form fields) stays in its `impl Resource`.
//!
//! ```ignore
//! resource! {
//!     /// The themes as a [`Resource`].
//!     pub struct Themes {
//!         table: "theme", view: ThemeView, form: ThemeForm, choices: (),
//!         names: ["theme", "themes", "/admin/themes", "Themes", "Areas of the regional strategy."],
//!         read: STAFF => list_themes = "themes/list", get_theme = "themes/get",
//!         write: ADMIN => save_theme = "themes/save",
//!     }
//! }
//! ```
//!
//! [`Declared`]: crate::resource::Declared

macro_rules! resource {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            table: $table:literal, view: $view:ty, form: $form:ty, choices: $choices:ty,
            names: [$one:literal, $many:literal, $page:literal, $title:literal, $lead:literal $(,)?],
            read: $read:expr => $list:ident = $list_endpoint:literal, $get:ident = $get_endpoint:literal,
            write: $write:expr => $save:ident = $save_endpoint:literal $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name;

        impl $crate::resource::Declared for $name {
            const TABLE: &'static str = $table;
            const NAMES: $crate::resource::Names =
                $crate::resource::Names { one: $one, many: $many, page: $page, title: $title, lead: $lead };
            type View = $view;
            type Form = $form;
            type Choices = $choices;

            fn key(record: &$view) -> &str {
                &record.id
            }
        }

        /// The list: filtered, sorted and paged, for those who may read the resource.
        #[server(endpoint = $list_endpoint)]
        pub async fn $list(#[server(flatten)] query: ListQuery) -> Result<Listing<$view>, AppError> {
            let user = crate::auth::guard::require($read).await?;
            crate::api::answer(crate::resource::list::<$name>(&user, &query).await)
        }

        /// One record (none for a new one) with what its form chooses from.
        #[server(endpoint = $get_endpoint)]
        pub async fn $get(#[server(default)] id: String) -> Result<Editing<$view, $choices>, AppError> {
            let user = crate::auth::guard::require($read).await?;
            crate::api::answer(crate::resource::get::<$name>(&user, &id).await)
        }

        /// Creates or changes a record, for those who may write the resource.
        #[server(endpoint = $save_endpoint)]
        pub async fn $save(#[server(flatten)] form: $form) -> Result<(), AppError> {
            let user = crate::auth::guard::require($write).await?;
            crate::api::respond(crate::resource::save::<$name>(&user, &form.id, &form).await, &form)
        }
    };
}

pub(crate) use resource;
