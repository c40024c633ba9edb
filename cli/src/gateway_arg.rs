//! A gateway named on the command line by its id: the argument `call`, `operations` and
//! `sandbox trigger` take, parsed into paybind's generated [`Gateway`].

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use paybind::gateways::{Gateway, Signing};

/// A gateway (`paybind::gateways::Gateway`), named on the command line by its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Api(pub(crate) Gateway);

impl Api {
    pub(crate) fn id(self) -> &'static str {
        self.0.id()
    }

    /// The argument's parser: the compiled-in gateways of the table (of one signing family, if
    /// given), each with its name as help.
    pub(crate) fn parser(family: Option<Signing>) -> impl TypedValueParser<Value = Api> {
        let choices = Gateway::ALL
            .iter()
            .map(|gateway| gateway.row())
            .filter(move |row| family.is_none_or(|f| row.signing == f))
            .map(|row| PossibleValue::new(row.id).help(row.name));
        PossibleValuesParser::new(choices).try_map(|id| {
            Gateway::from_id(&id)
                .map(Api)
                .ok_or_else(|| format!("no gateway {id:?}"))
        })
    }
}
