//! Plans: which members of a JSON document a schema marks, as a `sensitiveFields`-shaped value
//! (an object whose members are `true`, "this member", or a nested plan; a plan applies to each
//! element of an array). SGATE's decryption of callbacks follows one made from `x-sensitive`.

use serde_json::{Map, Value};

use super::Spec;

/// How deep a plan follows nested schemas (the specs nest three levels at most).
const MAX_DEPTH: usize = 8;

impl Spec {
    /// The plan of the members of component `schema_name` (at any depth) whose property
    /// schema `marks`; `None` when there are none.
    pub(crate) fn plan(&self, schema_name: &str, marks: &dyn Fn(&Value) -> bool) -> Option<Value> {
        let schema = self.schema(schema_name)?;
        self.plan_of(schema, marks, 0)
    }

    /// The members of component `schema_name` the spec marks `x-sensitive` (carried encrypted),
    /// as a plan shaped like an SGATE answer's `sensitiveFields`: an object whose members are
    /// `true` (this member is encrypted) or the plan of a nested object. `None` when the schema
    /// has no such member. A callback's body is decrypted by its schema's plan.
    pub fn sensitive_plan(&self, schema_name: &str) -> Option<Value> {
        self.plan(schema_name, &super::is_sensitive)
    }

    fn plan_of(
        &self,
        schema: &Value,
        marks: &dyn Fn(&Value) -> bool,
        depth: usize,
    ) -> Option<Value> {
        if depth > MAX_DEPTH {
            return None;
        }
        let schema = self.follow(schema)?;
        if let Some(items) = schema.get("items") {
            return self.plan_of(items, marks, depth + 1);
        }
        let properties = schema.get("properties")?.as_object()?;
        let mut plan = Map::new();
        for (name, property) in properties {
            if marks(property) {
                plan.insert(name.clone(), Value::Bool(true));
            } else if let Some(nested) = self.plan_of(property, marks, depth + 1) {
                plan.insert(name.clone(), nested);
            }
        }
        (!plan.is_empty()).then_some(Value::Object(plan))
    }

    /// A schema with its `$ref` followed once.
    fn follow<'a>(&'a self, schema: &'a Value) -> Option<&'a Value> {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(r) => self.schema(r.rsplit('/').next()?),
            None => Some(schema),
        }
    }
}
