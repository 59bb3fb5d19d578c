//! Labelled form fields. Each has a slot (`data-error-for`) where its error appears: filled on the
//! server after a no-JS post, or by the form island after a fetch.

use std::collections::BTreeMap;

use leptos::prelude::*;

use super::flash::Flash;
use crate::error::FieldError;

/// What a form shows: its values and, after a refused post, the errors and the typed values.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    pub action: String,
    pub values: BTreeMap<String, String>,
    pub errors: Vec<FieldError>,
    pub message: Option<String>,
    /// Prefixes the ids of this form's fields, for a page with several forms that share field
    /// names (each label must point at its own form's field).
    pub id_prefix: String,
}

impl FormState {
    /// `defaults` are the stored values; a flash for this form replaces them with what was typed.
    pub fn new(action: &str, flash: Option<&Flash>, defaults: BTreeMap<String, String>) -> Self {
        match flash.filter(|f| f.for_form(action)) {
            Some(flash) => {
                let mut values = defaults;
                values.extend(flash.values.clone());
                FormState {
                    action: action.to_string(),
                    values,
                    errors: flash.errors.clone(),
                    message: flash.error.clone(),
                    id_prefix: String::new(),
                }
            }
            None => FormState { action: action.to_string(), values: defaults, ..Default::default() },
        }
    }

    /// Gives this form's field ids their own prefix (see [`FormState::id_prefix`]).
    pub fn with_ids(mut self, prefix: &str) -> Self {
        self.id_prefix = prefix.to_string();
        self
    }

    fn field_id(&self, name: &str) -> String {
        if self.id_prefix.is_empty() {
            field_id(name)
        } else {
            format!("f-{}-{name}", self.id_prefix)
        }
    }

    pub fn value(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }

    pub fn error(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }
}

/// Builds the `defaults` map of [`FormState::new`].
pub fn values<const N: usize>(pairs: [(&str, String); N]) -> BTreeMap<String, String> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn field_id(name: &str) -> String {
    format!("f-{name}")
}

fn error_slot(id: &str, name: &str, error: Option<String>) -> impl IntoView {
    let id = format!("{id}-error");
    view! { <p class="field-error" id=id data-error-for=name.to_string() role="alert">{error}</p> }
}

pub struct Input<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub kind: &'a str,
    pub required: bool,
    pub hint: Option<&'a str>,
    pub autocomplete: Option<&'a str>,
    pub max_len: Option<usize>,
}

impl<'a> Input<'a> {
    pub fn text(name: &'a str, label: &'a str) -> Self {
        Input { name, label, kind: "text", required: false, hint: None, autocomplete: None, max_len: None }
    }
    /// The input's `type`, or `textarea` for several lines of text.
    pub fn kind(mut self, kind: &'a str) -> Self {
        self.kind = kind;
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }
    pub fn autocomplete(mut self, value: &'a str) -> Self {
        self.autocomplete = Some(value);
        self
    }
    pub fn max_len(mut self, max: usize) -> Self {
        self.max_len = Some(max);
        self
    }

    pub fn render(self, state: &FormState) -> AnyView {
        let id = state.field_id(self.name);
        let error = state.error(self.name);
        let invalid = error.is_some().then_some("true");
        let described =
            format!("{id}-error{}", if self.hint.is_some() { format!(" {id}-hint") } else { String::new() });
        // Password fields never show what was typed.
        let value = if self.kind == "password" { String::new() } else { state.value(self.name) };
        let hint = self.hint.map(|h| view! { <p class="field-hint" id=format!("{id}-hint")>{h.to_string()}</p> });
        let id_for_error = id.clone();
        view! {
            <div class="field" class:has-error=invalid.is_some()>
                <label for=id.clone()>
                    {self.label.to_string()}
                    {self.required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
                </label>
                {hint}
                {if self.kind == "textarea" {
                    view! {
                        <textarea
                            id=id
                            name=self.name.to_string()
                            rows="5"
                            required=self.required
                            maxlength=self.max_len.map(|m| m.to_string())
                            aria-invalid=invalid
                            aria-describedby=described
                        >{value}</textarea>
                    }.into_any()
                } else {
                    view! {
                        <input
                            id=id
                            name=self.name.to_string()
                            type=self.kind.to_string()
                            value=value
                            required=self.required
                            maxlength=self.max_len.map(|m| m.to_string())
                            autocomplete=self.autocomplete.map(str::to_string)
                            aria-invalid=invalid
                            aria-describedby=described
                        />
                    }.into_any()
                }}
                {error_slot(&id_for_error, self.name, error)}
            </div>
        }
        .into_any()
    }
}

/// A `<select>` with its label and error slot. `options` are (value, label).
pub fn select(state: &FormState, name: &str, label: &str, options: Vec<(String, String)>, required: bool) -> AnyView {
    let id = state.field_id(name);
    let error = state.error(name);
    let selected = state.value(name);
    let invalid = error.is_some().then_some("true");
    view! {
        <div class="field" class:has-error=invalid.is_some()>
            <label for=id.clone()>
                {label.to_string()}
                {required.then(|| view! { <span class="req" aria-hidden="true">" *"</span> })}
            </label>
            <select id=id.clone() name=name.to_string() required=required aria-invalid=invalid aria-describedby=format!("{id}-error")>
                <option value="">"— choose —"</option>
                {options
                    .into_iter()
                    .map(|(value, text)| {
                        let is_selected = value == selected;
                        view! { <option value=value selected=is_selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            {error_slot(&id, name, error)}
        </div>
    }
    .into_any()
}

/// A `<select>` whose options come in labelled groups (`<optgroup>`): (group label, options as
/// (value, label)). A hint, if any, is shown under the label.
pub fn grouped_select(
    state: &FormState,
    name: &str,
    label: &str,
    hint: Option<String>,
    groups: Vec<(&'static str, Vec<(String, String)>)>,
) -> AnyView {
    let id = state.field_id(name);
    let error = state.error(name);
    let selected = state.value(name);
    let invalid = error.is_some().then_some("true");
    let described = if hint.is_some() { format!("{id}-hint {id}-error") } else { format!("{id}-error") };
    view! {
        <div class="field" class:has-error=invalid.is_some()>
            <label for=id.clone()>{label.to_string()}<span class="req" aria-hidden="true">" *"</span></label>
            {hint.map(|h| view! { <p class="field-hint" id=format!("{id}-hint")>{h}</p> })}
            <select id=id.clone() name=name.to_string() required=true aria-invalid=invalid aria-describedby=described>
                <option value="">"— choose —"</option>
                {groups.into_iter().map(|(group, options)| view! {
                    <optgroup label=group>
                        {options.into_iter().map(|(value, text)| {
                            let is_selected = value == selected;
                            view! { <option value=value selected=is_selected>{text}</option> }
                        }).collect_view()}
                    </optgroup>
                }).collect_view()}
            </select>
            {error_slot(&id, name, error)}
        </div>
    }
    .into_any()
}

/// A `<select multiple>` posting `name[]` once per chosen option; the form value holds the
/// chosen values comma-separated (as a refused post echoes them).
pub fn multi_select(
    state: &FormState,
    name: &str,
    label: &str,
    hint: String,
    options: Vec<(String, String)>,
) -> AnyView {
    let id = state.field_id(name);
    let error = state.error(name);
    let value = state.value(name);
    let chosen: Vec<&str> = value.split(',').filter(|v| !v.is_empty()).collect();
    let invalid = error.is_some().then_some("true");
    view! {
        <div class="field" class:has-error=invalid.is_some()>
            <label for=id.clone()>{label.to_string()}</label>
            <p class="field-hint" id=format!("{id}-hint")>{hint}</p>
            <select id=id.clone() name=format!("{name}[]") multiple=true size="6" aria-invalid=invalid aria-describedby=format!("{id}-hint {id}-error")>
                {options.into_iter().map(|(value, text)| {
                    let is_selected = chosen.contains(&value.as_str());
                    view! { <option value=value selected=is_selected>{text}</option> }
                }).collect_view()}
            </select>
            {error_slot(&id, name, error)}
        </div>
    }
    .into_any()
}

/// The remove and replace forms of an attached file, posting to `{base}/remove` and `{base}`:
/// plain forms, so each works without JavaScript.
pub fn file_actions(base: &str, id: &str, file_name: &str) -> AnyView {
    let input = format!("f-replace-{id}");
    view! {
        <div class="document-actions">
            <form method="post" action=format!("{base}/remove") class="inline-form" data-plain="">
                <button type="submit" class="button-secondary" aria-label=format!("Remove {file_name}")>"Remove"</button>
            </form>
            <form method="post" action=base.to_string() enctype="multipart/form-data" class="inline-form" data-plain="">
                <label for=input.clone()>{format!("Replace {file_name} with")}</label>
                <input id=input type="file" name="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg" required/>
                <button type="submit" class="button-secondary">"Replace"</button>
            </form>
        </div>
    }
    .into_any()
}

/// A checkbox that posts "on" when ticked.
pub fn checkbox(state: &FormState, name: &str, label: &str) -> AnyView {
    let id = state.field_id(name);
    let checked = matches!(state.value(name).as_str(), "on" | "true");
    let error = state.error(name);
    view! {
        <div class="field field-check">
            <input id=id.clone() name=name.to_string() type="checkbox" checked=checked/>
            <label for=id.clone()>{label.to_string()}</label>
            {error_slot(&id, name, error)}
        </div>
    }
    .into_any()
}

/// The form-level message (shown above the fields) and the hidden slot the island fills.
pub fn form_message(state: &FormState) -> impl IntoView {
    let message = state.message.clone();
    let hidden = message.is_none();
    view! {
        <div class="form-message" data-form-message="" role="alert" hidden=hidden>
            {message}
        </div>
    }
}

/// Hidden input.
pub fn hidden(name: &str, value: String) -> impl IntoView {
    view! { <input type="hidden" name=name.to_string() value=value/> }
}

/// A list of checkboxes posting `name[]`.
pub fn checkboxes(
    name: &'static str,
    legend: &'static str,
    options: &[(String, String)],
    chosen: &[String],
    state: &FormState,
) -> AnyView {
    let error = state.error(name);
    view! {
        <fieldset class="fieldset checkbox-columns">
            <legend>{legend}</legend>
            {options.iter().map(|(key, label)| {
                let id = format!("f-{name}-{key}");
                let checked = chosen.contains(key);
                view! {
                    <div class="field field-check">
                        <input id=id.clone() type="checkbox" name=format!("{name}[]") value=key.clone() checked=checked/>
                        <label for=id>{label.clone()}</label>
                    </div>
                }
            }).collect_view()}
            <p class="field-error" data-error-for=name role="alert">{error}</p>
        </fieldset>
    }
    .into_any()
}
