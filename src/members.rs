//! What every generated builder (`<gateway>::types::builder::*`) is made of: the members of one
//! JSON object, in the model's order, each kept as its JSON text, and the problems met
//! converting what the setters were given.
//!
//! A setter takes the value as the docs write it (text, a number, a typed variant, a list…), so
//! nothing is converted into a generated type and nothing is refused at the setter: the value is
//! written as JSON text at once (a money value first becomes its money type, so `"18.75"` is
//! read by the money rules and keeps every digit), and what cannot be converted is recorded
//! under the member's wire name. The pipeline then checks the text against the spec and reports
//! the conversion problems and the spec's violations together, before anything is signed or
//! sent ([`Pipeline::call_builder`](crate::pipeline::Pipeline::call_builder)).
//!
//! The text of a finished builder is the text the model serialises to for the same values: the
//! members in the model's field order, an absent optional member left out, an empty list left
//! out where the model leaves it out, a member with a default written with it.

use std::fmt;

use serde_json::value::RawValue;
use zeroize::Zeroize as _;

use crate::json_text::{self, RawObject};
use crate::money::AmountError;
use crate::spec::{without_value, ValidationError, Violation};

/// One member of a generated builder, as the generator describes it.
#[derive(Debug)]
pub(crate) struct Field {
    /// The wire name (`mchOrderId`).
    name: &'static str,
    /// The JSON text the model writes when the member is not set (the spec's `default`);
    /// `None`: an unset member is left out.
    default: Option<&'static str>,
    /// The model leaves out an empty list (`[]`) as it leaves out an absent member.
    omit_empty: bool,
}

impl Field {
    /// A member written when set, left out when not.
    pub(crate) const fn named(name: &'static str) -> Self {
        Self::new(name, None, false)
    }

    /// A member the model writes as `default` when it is not set, or whose empty list it
    /// leaves out (`omit_empty`).
    pub(crate) const fn new(
        name: &'static str,
        default: Option<&'static str>,
        omit_empty: bool,
    ) -> Self {
        Self {
            name,
            default,
            omit_empty,
        }
    }
}

/// A generated builder: what the pipeline takes from it.
pub(crate) trait Builder {
    /// The builder's members.
    fn into_members(self) -> Members;
}

/// The members of one object under construction (see the module documentation).
#[derive(Clone)]
pub(crate) struct Members {
    fields: &'static [Field],
    /// Per field: its JSON text, `None` while it is not set.
    values: Vec<Option<Box<RawValue>>>,
    /// Per field: what went wrong converting the value last given to its setter.
    problems: Vec<Vec<Violation>>,
    /// Members beyond the fields (a received model's unknown members, kept flattened).
    extra: Vec<(String, Box<RawValue>)>,
    /// Problems of the object as a whole (a model that did not serialise).
    whole: Vec<Violation>,
}

/// A finished builder: the object's JSON text and the problems its setters met.
#[derive(Debug)]
pub(crate) struct Built {
    pub(crate) text: String,
    pub(crate) problems: Vec<Violation>,
}

impl Members {
    /// No member set.
    pub(crate) fn new(fields: &'static [Field]) -> Self {
        Self {
            fields,
            values: vec![None; fields.len()],
            problems: vec![Vec::new(); fields.len()],
            extra: Vec::new(),
            whole: Vec::new(),
        }
    }

    /// The members of a ready model (`From<Model> for builder::Model`): its own serialisation,
    /// member by member.
    pub(crate) fn of_model<T: serde::Serialize>(fields: &'static [Field], model: &T) -> Self {
        let mut members = Self::new(fields);
        // A sensitive member is written in plain text here as in the pipeline's own
        // serialisation: the pipeline encrypts it before anything is sent.
        let text = crate::secret::with_plaintext(|| serde_json::to_string(model));
        let object = text
            .map_err(|e| e.to_string())
            .and_then(|text| json_text::object_of(text.as_bytes()).map_err(|e| e.to_string()));
        match object {
            Ok(object) => {
                for (name, value) in object {
                    match fields.iter().position(|f| f.name == name) {
                        Some(index) => members.values[index] = members.kept(index, value),
                        None => members.extra.push((name, value)),
                    }
                }
            }
            Err(reason) => members.whole.push(violation("", &reason)),
        }
        members
    }

    /// Sets field `index` to `value`'s JSON text; `null` leaves it unset.
    pub(crate) fn set<V: serde::Serialize + ?Sized>(&mut self, index: usize, value: &V) {
        self.problems[index].clear();
        match crate::secret::with_plaintext(|| serde_json::value::to_raw_value(value)) {
            Ok(raw) => self.values[index] = self.kept(index, raw),
            Err(e) => {
                self.values[index] = None;
                let reason = format!("cannot be written as JSON: {e}");
                self.problems[index].push(violation(self.fields[index].name, &reason));
            }
        }
    }

    /// Sets money field `index` to its money value, or records why the value given is none.
    pub(crate) fn set_money<M: serde::Serialize>(
        &mut self,
        index: usize,
        value: Result<M, AmountError>,
    ) {
        match value {
            Ok(money) => self.set(index, &money),
            Err(e) => {
                self.values[index] = None;
                self.problems[index] = vec![violation(self.fields[index].name, e.rule())];
            }
        }
    }

    /// Leaves field `index` unset (its default, when it has one, is written).
    // Which builders use it depends on the gateways compiled in and on `testing` (the builders
    // of received models): some feature sets use none.
    #[allow(dead_code)]
    pub(crate) fn unset(&mut self, index: usize) {
        self.values[index] = None;
        self.problems[index].clear();
    }

    /// Sets field `index` to a nested object; its problems are named below the field
    /// (`payer.mobile`).
    // Which builders use it depends on the gateways compiled in and on `testing` (the builders
    // of received models): some feature sets use none.
    #[allow(dead_code)]
    pub(crate) fn set_nested(&mut self, index: usize, nested: Members) {
        let name = self.fields[index].name;
        let built = nested.finish();
        self.problems[index] = within(name, built.problems);
        self.values[index] = self.raw(index, built.text);
    }

    /// Sets field `index` to a list of nested objects; their problems are named below the
    /// field and the item (`items[1].amount`).
    // Which builders use it depends on the gateways compiled in and on `testing` (the builders
    // of received models): some feature sets use none.
    #[allow(dead_code)]
    pub(crate) fn set_list(&mut self, index: usize, items: impl Iterator<Item = Members>) {
        let name = self.fields[index].name;
        let mut texts = Vec::new();
        let mut problems = Vec::new();
        for (position, item) in items.enumerate() {
            let built = item.finish();
            problems.extend(within(&format!("{name}[{position}]"), built.problems));
            match json_text::raw_of(built.text) {
                Ok(raw) => texts.push(raw),
                Err(e) => problems.push(violation(&format!("{name}[{position}]"), &e.to_string())),
            }
        }
        self.problems[index] = problems;
        self.values[index] = match json_text::text_of(&texts) {
            Ok(text) => self.raw(index, text),
            Err(e) => {
                self.problems[index].push(violation(name, &e.to_string()));
                None
            }
        };
    }

    /// Replaces the members beyond the fields (a model's flattened `extra` map).
    // Which builders use it depends on the gateways compiled in and on `testing` (the builders
    // of received models): some feature sets use none.
    #[allow(dead_code)]
    pub(crate) fn set_extra(&mut self, members: serde_json::Map<String, serde_json::Value>) {
        self.extra.clear();
        for (name, value) in members {
            match serde_json::value::to_raw_value(&value) {
                Ok(raw) => self.extra.push((name, raw)),
                Err(e) => self.whole.push(violation(&name, &e.to_string())),
            }
        }
    }

    /// The object's JSON text, fields in order, and every problem met.
    pub(crate) fn finish(mut self) -> Built {
        let mut problems = std::mem::take(&mut self.whole);
        let mut object = RawObject::with_capacity(self.fields.len() + self.extra.len());
        let values = std::mem::take(&mut self.values);
        for ((field, value), field_problems) in self.fields.iter().zip(values).zip(&self.problems) {
            problems.extend(field_problems.iter().cloned());
            let value = match (value, field.default) {
                (Some(value), _) => value,
                (None, Some(default)) => match json_text::raw_of(default.to_string()) {
                    Ok(raw) => raw,
                    Err(_) => continue,
                },
                (None, None) => continue,
            };
            object.insert(field.name.to_string(), value);
        }
        for (name, value) in std::mem::take(&mut self.extra) {
            if !object.contains_key(&name) {
                object.insert(name, value);
            }
        }
        let text = json_text::text_of(&object).unwrap_or_else(|e| {
            problems.push(violation("", &e.to_string()));
            String::from("{}")
        });
        zeroize_all(object.into_values());
        Built { text, problems }
    }

    /// The model the members make (`TryFrom<builder::Model> for Model`): every problem, or
    /// the text decoded as the model (a misfit names the field).
    pub(crate) fn into_model<T: serde::de::DeserializeOwned>(self) -> Result<T, ValidationError> {
        let built = self.finish();
        if !built.problems.is_empty() {
            return Err(combine(built.problems).unwrap_err());
        }
        let mut de = serde_json::Deserializer::from_str(&built.text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let field = e.path().to_string();
            let field = if field == "." { String::new() } else { field };
            ValidationError::new(field, without_value(&e.inner().to_string()))
        })
    }

    /// The members set, by wire name, each as its JSON text (a query builder's parameters).
    #[cfg(feature = "sgate")]
    pub(crate) fn set_members(&self) -> impl Iterator<Item = (&'static str, &RawValue)> {
        self.fields
            .iter()
            .zip(&self.values)
            .filter_map(|(field, value)| Some((field.name, value.as_deref()?)))
    }

    /// The problems the setters met.
    #[cfg(feature = "sgate")]
    pub(crate) fn problems(&self) -> Vec<Violation> {
        self.whole
            .iter()
            .chain(self.problems.iter().flatten())
            .cloned()
            .collect()
    }

    /// A builder's `Debug`: the names of the members set and the problems, never a value (a
    /// member may be a card number or an identity).
    pub(crate) fn debug(&self, f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
        let set: Vec<&str> = self
            .fields
            .iter()
            .zip(&self.values)
            .filter(|(_, value)| value.is_some())
            .map(|(field, _)| field.name)
            .chain(self.extra.iter().map(|(name, _)| name.as_str()))
            .collect();
        let problems: Vec<String> = self
            .whole
            .iter()
            .chain(self.problems.iter().flatten())
            .map(ToString::to_string)
            .collect();
        f.debug_struct(name)
            .field("set", &set)
            .field("problems", &problems)
            .finish()
    }

    /// A value as field `index` keeps it: `null`, and an empty list where the model leaves
    /// one out, are not set.
    fn kept(&self, index: usize, raw: Box<RawValue>) -> Option<Box<RawValue>> {
        let text = raw.get().trim();
        let absent = text == "null" || (self.fields[index].omit_empty && text == "[]");
        if absent {
            zeroize_all([raw]);
            return None;
        }
        Some(raw)
    }

    /// JSON text a nested builder wrote, as field `index` keeps it.
    #[allow(dead_code)] // with `set_nested` and `set_list`
    fn raw(&self, index: usize, text: String) -> Option<Box<RawValue>> {
        json_text::raw_of(text)
            .ok()
            .and_then(|raw| self.kept(index, raw))
    }
}

impl Drop for Members {
    /// The texts may hold a sensitive member in plain text (an SGATE `identity`): they are
    /// zeroized, as a `Sensitive` value is.
    fn drop(&mut self) {
        zeroize_all(std::mem::take(&mut self.values).into_iter().flatten());
        zeroize_all(std::mem::take(&mut self.extra).into_iter().map(|(_, v)| v));
    }
}

fn zeroize_all(values: impl IntoIterator<Item = Box<RawValue>>) {
    for value in values {
        let mut text: Box<str> = value.into();
        text.zeroize();
    }
}

/// A conversion problem of `field`: the rule, never the value.
fn violation(field: &str, reason: &str) -> Violation {
    Violation {
        field: field.to_string(),
        reason: without_value(reason),
    }
}

/// `problems` of a nested object, named below `path`.
#[allow(dead_code)] // with `set_nested` and `set_list`
fn within(path: &str, problems: Vec<Violation>) -> Vec<Violation> {
    problems
        .into_iter()
        .map(|p| Violation {
            field: if p.field.is_empty() {
                path.to_string()
            } else {
                format!("{path}.{}", p.field)
            },
            reason: p.reason,
        })
        .collect()
}

/// One validation error holding `violations`, in order; `Ok` when there is none.
pub(crate) fn combine(violations: Vec<Violation>) -> Result<(), ValidationError> {
    ValidationError::combine(
        violations
            .into_iter()
            .map(|v| ValidationError::new(v.field, v.reason))
            .collect(),
    )
}

/// Whether a spec violation at `field` is about the member a conversion problem at `problem`
/// already reports (the member itself, or something inside it).
pub(crate) fn covers(problem: &str, field: &str) -> bool {
    !problem.is_empty()
        && field
            .strip_prefix(problem)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}
