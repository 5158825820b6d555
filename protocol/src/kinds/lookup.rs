//! The lookup payload: a resident looked something up at a station. Only the topic is kept, for
//! usage statistics; never what was looked up.

use super::{example, Kind};
use serde::{Deserialize, Serialize};
use serde_json::json;

kinds! {
    /// The kinds of a lookup.
    pub enum LookupKinds {
        Performed(Lookup),
    }
}

/// `lookup.performed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lookup {
    pub topic: LookupTopic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupTopic {
    /// A dossier's progress.
    DossierProgress,
    /// General information (procedures, fees, opening hours).
    Information,
}

impl Kind for Lookup {
    const NAME: &'static str = "lookup.performed";

    fn example() -> Self {
        example(json!({"topic":"dossier_progress"}))
    }
}
