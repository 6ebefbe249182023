//! Pure domain rules: no I/O, no framework types. Shared by the server and the browser.

/// Declares an enum whose variants each have a stable key (stored in the database, posted by forms, in
/// URLs) and a Chinese label, with `ALL` (in the order given), `key`, `from_key` and `label`: one list
/// instead of three matches per enum. Our own macro rather than `strum`: a key and a label per variant is
/// all it needs, and it adds nothing to the browser's build.
macro_rules! keyed_enum {
    (
        $(#[$attr:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_attr:meta])* $variant:ident => ($key:literal, $label:literal), )+
        }
    ) => {
        $(#[$attr])*
        $vis enum $name {
            $( $(#[$variant_attr])* $variant, )+
        }

        impl $name {
            pub const ALL: [Self; [$($key),+].len()] = [$(Self::$variant),+];

            /// The stable key: stored, posted and in URLs.
            pub fn key(self) -> &'static str {
                match self {
                    $(Self::$variant => $key,)+
                }
            }

            pub fn from_key(key: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|v| v.key() == key)
            }

            /// What the pages say.
            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                }
            }
        }
    };
}
pub(crate) use keyed_enum;

pub mod announcement;
pub mod application;
pub mod assistance;
pub mod calendar;
pub mod consent;
pub mod declaration;
pub mod documents;
pub mod eligibility;
pub mod emergency;
pub mod guide;
pub mod helper;
pub mod id_number;
pub mod masking;
pub mod monitoring;
pub mod notice;
pub mod otp;
pub mod person_name;
pub mod phone;
pub mod preferences;
pub mod referral;
pub mod region;
pub mod register;
pub mod report;
pub mod staff;
pub mod stats;
pub mod upload;
pub mod workflow;
