//! Shared field checks: reading JSON into a typed form with the failing field named, and free text.

use serde::de::DeserializeOwned;

use crate::FieldError;

/// Reads `value` as a `T`. The error names the field at fault, under `parent` when given
/// (`payload.amount_vnd`), or bare (`officer`); a value that is not even an object is named `parent`
/// (or `body`).
pub fn read<T: DeserializeOwned>(value: &serde_json::Value, parent: Option<&str>) -> Result<T, FieldError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.into_inner().to_string();
        // serde reports a missing field at its parent; name the field itself.
        let missing = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()).map(str::to_string);
        let relative = match (path.as_str(), missing) {
            (".", Some(m)) => Some(m),
            (".", None) => None,
            (p, Some(m)) => Some(format!("{p}.{m}")),
            (p, None) => Some(p.to_string()),
        };
        let field = match (parent, relative) {
            (Some(parent), Some(r)) => format!("{parent}.{r}"),
            (Some(parent), None) => parent.to_string(),
            (None, Some(r)) => r,
            (None, None) => "body".to_string(),
        };
        FieldError::new(field, message)
    })
}

/// Refuses U+0000 anywhere in a JSON value, in strings and member names alike: no database
/// stores it in text (PostgreSQL refuses it), so it could only ever fail a whole batch. The error
/// names the member (under `parent`).
pub fn nul_free(value: &serde_json::Value, parent: &str) -> Result<(), FieldError> {
    use serde_json::Value;
    let refuse = |at: String| Err(FieldError::new(at, "must not contain U+0000"));
    match value {
        Value::String(s) if s.contains('\0') => refuse(parent.to_string()),
        Value::Array(items) => items.iter().enumerate().try_for_each(|(i, v)| nul_free(v, &format!("{parent}[{i}]"))),
        Value::Object(members) => members.iter().try_for_each(|(k, v)| {
            let at = if parent.is_empty() { k.clone() } else { format!("{parent}.{k}") };
            if k.contains('\0') {
                return refuse(at);
            }
            nul_free(v, &at)
        }),
        _ => Ok(()),
    }
}

/// Free text a person typed: not blank, at most `max_chars`, no control characters but newlines.
pub fn text(field: &str, value: &str, max_chars: usize) -> Result<(), FieldError> {
    let n = value.trim().chars().count();
    if n == 0 {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if value.chars().count() > max_chars {
        return Err(FieldError::new(field, format!("must be at most {max_chars} characters")));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(FieldError::new(field, "must not contain control characters"));
    }
    Ok(())
}

/// The id of a station event that another event refers to: a lowercase hyphenated UUIDv7, as in
/// the envelope's `id`.
pub fn event_id(field: &str, value: &str) -> Result<(), FieldError> {
    let ok = uuid::Uuid::parse_str(value)
        .ok()
        .is_some_and(|id| id.get_version_num() == 7 && value == id.hyphenated().to_string());
    if ok {
        Ok(())
    } else {
        Err(FieldError::new(field, "must be a station event id (a lowercase hyphenated UUIDv7)"))
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Assign {
        officer: String,
    }

    #[test]
    fn u0000_is_refused_in_strings_and_member_names_and_the_error_can_be_stored() {
        assert!(nul_free(&json!({"a": ["x", {"b": "ok"}]}), "payload").is_ok());
        assert_eq!(nul_free(&json!({"a": ["x", "y\u{0}"]}), "payload").unwrap_err().field, "payload.a[1]");
        let e = nul_free(&json!({"\u{0}": 1}), "payload").unwrap_err();
        assert_eq!(e.field, "payload.\\u{0}");
        assert!(!e.field.contains('\0'));
    }

    #[test]
    fn errors_name_the_field_bare_or_under_a_parent() {
        assert_eq!(read::<Assign>(&json!({}), None).unwrap_err().field, "officer");
        assert_eq!(read::<Assign>(&json!({"officer": 5}), None).unwrap_err().field, "officer");
        assert_eq!(read::<Assign>(&json!({"officer": "B", "rank": 1}), None).unwrap_err().field, "rank");
        assert_eq!(read::<Assign>(&json!({}), Some("payload")).unwrap_err().field, "payload.officer");
        assert_eq!(read::<Assign>(&json!(null), None).unwrap_err().field, "body");
    }

    #[test]
    fn blank_and_control_text_is_refused() {
        assert!(text("note", "  ", 10).is_err());
        assert!(text("note", "a\u{7}", 10).is_err());
        assert!(text("note", "hai\ndòng", 10).is_ok());
        assert!(text("note", "quá dài quá dài", 10).is_err());
    }
}
