//! `stored_enum!`: an enum whose values are stored as text (states, kinds, categories), written
//! once as a table of variant, stored text and label. It derives what every such enum has:
//! `ALL`, `as_str` (the stored text, also its serde name), `label` (what a page shows) and
//! `parse` (the stored text back, `None` for anything else), and [`StoredEnum`], through which
//! `db::stored` reads one from a row. Methods of its own go in a separate `impl` block.
//!
//! ```ignore
//! stored_enum! {
//!     /// Where a placement is in its life.
//!     pub enum PlacementState {
//!         Planned = "planned", "Planned";
//!         Active = "active", "Active";
//!     }
//! }
//! ```

/// An enum kept as text: see [`stored_enum!`](crate::domain::stored_enum).
pub trait StoredEnum: Sized + Copy + 'static {
    /// What it is, for a message about a stored value it does not know ("report state").
    const WHAT: &'static str;
    fn as_str(self) -> &'static str;
    fn parse(text: &str) -> Option<Self>;
}

macro_rules! stored_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident ($what:literal) {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];

            /// The stored text (also its name in JSON).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            /// What a page shows.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            /// The stored text back; `None` for anything else.
            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// A form's or a filter's choice as posted (surrounding spaces aside), or `refusal`,
            /// the message for its field.
            #[allow(dead_code)] // not every such enum is chosen in a form
            pub fn chosen(text: &str, refusal: &str) -> Result<$name, String> {
                $name::parse(text.trim()).ok_or_else(|| refusal.to_string())
            }

            /// The choices of a `<select>`: each one's stored text and label, in order.
            #[allow(dead_code)] // not every such enum is offered in a form
            pub fn options() -> Vec<(String, String)> {
                $name::ALL.iter().map(|v| (v.as_str().to_string(), v.label().to_string())).collect()
            }
        }

        impl $crate::domain::stored_enum::StoredEnum for $name {
            const WHAT: &'static str = $what;

            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }

            fn parse(text: &str) -> Option<Self> {
                $name::parse(text)
            }
        }
    };
}

pub(crate) use stored_enum;

#[cfg(test)]
mod tests {
    use super::StoredEnum;

    stored_enum! {
        /// A test enum.
        pub enum Light ("light") {
            Red = "red", "Stop";
            /// The one to go on.
            Green = "green", "Go";
        }
    }

    #[test]
    fn a_stored_enum_reads_back_what_it_writes_and_nothing_else() {
        assert_eq!(Light::ALL, [Light::Red, Light::Green]);
        for light in Light::ALL {
            assert_eq!(Light::parse(light.as_str()), Some(light));
            assert_eq!(serde_json::to_string(&light).unwrap(), format!("\"{}\"", light.as_str()));
        }
        assert_eq!(Light::Green.label(), "Go");
        assert_eq!(Light::parse("Red"), None, "the stored text, exactly");
        assert_eq!(<Light as StoredEnum>::WHAT, "light");
        assert_eq!(serde_json::from_str::<Light>("\"green\"").unwrap(), Light::Green);
        assert_eq!(Light::chosen(" green ", "Choose a light."), Ok(Light::Green));
        assert_eq!(Light::chosen("blue", "Choose a light."), Err("Choose a light.".to_string()));
        assert_eq!(Light::options(), [("red".to_string(), "Stop".to_string()), ("green".into(), "Go".into())]);
    }
}
