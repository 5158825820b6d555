//! The sign-in page: name and password, with the session's CSRF token and where to go next.

use super::{esc, page};

/// `error` is shown above the form (a wrong password, a lockout); `next` is where a successful
/// sign-in leads.
pub fn render(csrf: &str, next: &str, error: Option<&str>) -> String {
    let error = error.map(|e| format!("<p class=error role=alert>{}</p>", esc(e))).unwrap_or_default();
    let main = format!(
        r#"<form class=login method=post action="/login">
<h1>Đăng nhập</h1><small>Sign in · cán bộ PC06, phường, kiểm toán và quản trị</small>
{error}
<input type=hidden name=csrf value="{csrf}">
<input type=hidden name=next value="{next}">
<label for=name>Tên đăng nhập</label><input type=text id=name name=name autocomplete=username required autofocus>
<label for=password>Mật khẩu</label><input type=password id=password name=password autocomplete=current-password required>
<button type=submit>Đăng nhập</button>
</form>"#,
        csrf = esc(csrf),
        next = esc(next),
    );
    page("Đăng nhập", "", csrf, &main)
}
