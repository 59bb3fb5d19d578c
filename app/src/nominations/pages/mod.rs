//! Nomination pages: the list (the nominator's own, the coordinators' review queue), the form,
//! and the nomination with its documents, actions and history.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{get_nomination, list_nominations, notice, Action, NominationPage, NominationState, NominationView};
use crate::domain::{countries, languages};
use crate::reference::reference_choices;
use crate::ui::fields::{
    self, checkbox, file_actions, form_message, grouped_select, hidden, multi_select, select, FormState, Input,
};
use crate::ui::format;
use crate::ui::layout::loaded;
use crate::ui::layout::{error_view, page_flash};
use crate::ui::lists::{current_query, filter_form, pager, sort_header};
use crate::ui::{EnhancedForm, PageHeader};

mod detail;
mod form;
mod list;

pub use detail::*;
pub use form::*;
pub use list::*;

fn state_badge(state: NominationState) -> impl IntoView {
    view! { <span class=format!("state state-{}", state.as_str())>{state.label()}</span> }
}
