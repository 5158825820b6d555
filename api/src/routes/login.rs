//! Signing in and out on the pages: `GET /login` shows the form, `POST /login` checks the password
//! (Argon2id) under the lockout, starts a fresh session and goes on to the page asked for;
//! `POST /logout` ends the session. Both forms carry the session's CSRF token.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tower_sessions::Session;

use crate::extract::{FormBody, QueryParams};
use crate::sessions::{csrf_matches, csrf_of, new_csrf, CSRF, USER};
use crate::{password, web, ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Where to go after signing in: a path of this hub, or the city page.
fn next_page(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && n.len() <= 512 => n.into(),
        _ => "/".into(),
    }
}

pub async fn form(session: Session, QueryParams(q): QueryParams<LoginQuery>) -> Result<Html<String>, ApiError> {
    let csrf = csrf_of(&session).await?;
    Ok(Html(web::login::render(&csrf, &next_page(q.next.as_deref()), None)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    name: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

/// The one answer to a wrong name or a wrong password: which of the two is not said.
const WRONG: &str = "Sai tên đăng nhập hoặc mật khẩu.";

/// The form again, with what went wrong.
fn refused(status: StatusCode, csrf: &str, next: &str, message: &str) -> Response {
    (status, Html(web::login::render(csrf, next, Some(message)))).into_response()
}

pub async fn sign_in(
    axum::extract::State(s): axum::extract::State<AppState>,
    session: Session,
    FormBody(c): FormBody<Credentials>,
) -> Result<Response, ApiError> {
    let next = next_page(c.next.as_deref());
    let expected = session.get::<String>(CSRF).await.map_err(ApiError::internal)?;
    if !expected.as_deref().is_some_and(|e| csrf_matches(e, &c.csrf)) {
        let csrf = csrf_of(&session).await?;
        return Ok(refused(StatusCode::FORBIDDEN, &csrf, &next, "Phiên đăng nhập đã hết hạn, vui lòng thử lại."));
    }
    let csrf = expected.unwrap_or_default();
    let now = Utc::now();
    let login = s.store.login(&c.name).await?;
    if let Some(until) = login.as_ref().and_then(|l| l.locked_until).filter(|u| *u > now) {
        let at = protocol::time::local_display(until);
        let message = format!("Tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau {at}.");
        return Ok(refused(StatusCode::TOO_MANY_REQUESTS, &csrf, &next, &message));
    }
    let phc = login.as_ref().filter(|l| !l.disabled).and_then(|l| l.password_hash.clone());
    let password = c.password;
    let ok = tokio::task::spawn_blocking(move || password::verify(&password, phc.as_deref()))
        .await
        .map_err(ApiError::internal)?;
    let login = match login {
        Some(login) if ok => login,
        Some(login) => {
            let failures = login.failed_logins.saturating_add(1);
            s.store.record_login(&login.name, failures, password::lockout(failures, now)).await?;
            return Ok(refused(StatusCode::UNAUTHORIZED, &csrf, &next, WRONG));
        }
        None => return Ok(refused(StatusCode::UNAUTHORIZED, &csrf, &next, WRONG)),
    };
    s.store.record_login(&login.name, 0, None).await?;
    // A fresh session id on sign-in (no fixation) and a fresh CSRF token.
    session.cycle_id().await.map_err(ApiError::internal)?;
    session.insert(USER, &login.name).await.map_err(ApiError::internal)?;
    session.insert(CSRF, new_csrf()).await.map_err(ApiError::internal)?;
    tracing::info!("signed in");
    Ok(Redirect::to(&next).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignOut {
    csrf: String,
}

pub async fn sign_out(session: Session, FormBody(f): FormBody<SignOut>) -> Result<Response, ApiError> {
    let expected = session.get::<String>(CSRF).await.map_err(ApiError::internal)?;
    if !expected.as_deref().is_some_and(|e| csrf_matches(e, &f.csrf)) {
        return Err(ApiError::Forbidden("the form's `csrf` token is not this session's".into()));
    }
    session.flush().await.map_err(ApiError::internal)?;
    Ok(Redirect::to("/login").into_response())
}

#[cfg(test)]
mod tests {
    use super::next_page;

    #[test]
    fn only_paths_of_this_hub_are_followed_after_sign_in() {
        assert_eq!(next_page(Some("/wards/27097")), "/wards/27097");
        assert_eq!(next_page(Some("//evil.example/")), "/");
        assert_eq!(next_page(Some("https://evil.example/")), "/");
        assert_eq!(next_page(Some("/\\evil.example")), "/");
        assert_eq!(next_page(None), "/");
    }
}
