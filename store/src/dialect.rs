//! Running the same SQL on PostgreSQL and SQLite: `on_db!` expands a block once per backend,
//! and `sql` turns PostgreSQL's `$1` placeholders into SQLite's `?` (parameters appear in order).

use std::borrow::Cow;

macro_rules! on_db {
    ($db:expr, |$pool:ident, $pg:ident| $body:expr) => {
        match $db {
            $crate::Db::Postgres($pool) => {
                #[allow(unused_variables)]
                let $pg = true;
                $body
            }
            $crate::Db::Sqlite($pool) => {
                #[allow(unused_variables)]
                let $pg = false;
                $body
            }
        }
    };
}

pub(crate) use on_db;

pub fn sql(pg: bool, text: &str) -> Cow<'_, str> {
    if pg {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(|n| n.is_ascii_digit()) {
            while chars.peek().is_some_and(|n| n.is_ascii_digit()) {
                chars.next();
            }
            out.push('?');
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_become_question_marks_for_sqlite() {
        assert_eq!(super::sql(false, "a = $1 AND b = $12"), "a = ? AND b = ?");
        assert_eq!(super::sql(true, "a = $1"), "a = $1");
    }
}
