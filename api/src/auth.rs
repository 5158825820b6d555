//! Who is calling: people hold roles (and, as ward officers, wards) and present an API token
//! (`Authorization: Bearer dcs_…`), kept by the hub only as its SHA-256. Every route has one
//! [`Access`] rule in the route table (`routes::table`); [`enforce`] applies it before the handler
//! runs and hands the handler the caller's [`Identity`].

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tower_sessions::Session;

use crate::{sessions, ApiError, AppState};

/// What a person may do; a person may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sees and works the cases of the wards assigned to them.
    WardOfficer,
    /// City-wide: works every queue.
    Pc06Staff,
    /// Reads all history; changes nothing.
    Auditor,
    /// Plans and enrolls stations, rotates and revokes their keys, manages users.
    Administrator,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::WardOfficer, Role::Pc06Staff, Role::Auditor, Role::Administrator];

    pub fn name(self) -> &'static str {
        match self {
            Self::WardOfficer => "ward_officer",
            Self::Pc06Staff => "pc06_staff",
            Self::Auditor => "auditor",
            Self::Administrator => "administrator",
        }
    }

    /// The role's Vietnamese name, as pages show it.
    pub fn label(self) -> &'static str {
        match self {
            Self::WardOfficer => "Cán bộ phường",
            Self::Pc06Staff => "Cán bộ PC06",
            Self::Auditor => "Kiểm toán viên",
            Self::Administrator => "Quản trị viên",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name.trim())
    }
}

/// The rule of one route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone (health, the enrollment a station proves with its one-time code, the progress
    /// lookup a station makes for a resident, and, until people sign in on pages, dashboards).
    Public,
    /// A valid token of a person holding one of these roles.
    Roles(&'static [Role]),
}

/// The signed-in caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub name: String,
    pub roles: Vec<Role>,
    pub wards: Vec<String>,
}

impl Identity {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Refuses (403) a ward officer outside their wards; city-wide roles pass everywhere.
    pub fn serves(&self, ward: &protocol::WardCode) -> Result<(), ApiError> {
        if self.covers(Some(ward.as_str())) {
            return Ok(());
        }
        Err(ApiError::Forbidden(format!("ward {} is not one of the wards you serve", ward.as_str())))
    }

    /// Whether they may see or work a case of `ward`: city-wide roles everywhere, a ward officer in
    /// their wards.
    pub fn covers(&self, ward: Option<&str>) -> bool {
        self.roles.iter().any(|r| *r != Role::WardOfficer)
            || ward.is_some_and(|w| self.wards.iter().any(|mine| mine == w))
    }
}

/// A person to add, checked: a name of 1 to 100 characters, at least one known role, wards from
/// the official list, and at least one ward for a ward officer. Errors name the field.
pub fn new_user(name: &str, roles: &[String], wards: &[String]) -> Result<store::User, protocol::FieldError> {
    use protocol::FieldError;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(FieldError::new("name", "must be 1 to 100 characters"));
    }
    let mut parsed = Vec::new();
    for r in roles {
        let role = Role::parse(r).ok_or_else(|| {
            let known: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
            FieldError::new("roles", format!("`{r}` is not a role ({})", known.join(", ")))
        })?;
        parsed.push(role.name());
    }
    if parsed.is_empty() {
        return Err(FieldError::new("roles", "give at least one role"));
    }
    for w in wards {
        protocol::WardCode::parse(w).map_err(|e| FieldError::new("wards", e.reason))?;
    }
    if parsed.contains(&Role::WardOfficer.name()) && wards.is_empty() {
        return Err(FieldError::new("wards", "a ward officer serves at least one ward"));
    }
    Ok(store::User { name: name.to_string(), roles: parsed.join(","), wards: wards.join(","), disabled: false })
}

/// A fresh token: shown once, stored only as [`token_hash`].
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("dcs_{}", hex::encode(bytes))
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Reads a stored user's roles and wards.
pub fn identity_of(user: store::User) -> Identity {
    let list = |s: &str| s.split(',').map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect::<Vec<_>>();
    Identity {
        roles: list(&user.roles).iter().filter_map(|r| Role::parse(r)).collect(),
        wards: list(&user.wards),
        name: user.name,
    }
}

/// The bearer token a request carries, if any.
fn bearer(req: &Request) -> Option<String> {
    let header = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let token = header.strip_prefix("Bearer ")?.trim();
    token.starts_with("dcs_").then(|| token.to_string())
}

/// The caller a bearer token names, if it is valid now.
async fn caller(s: &AppState, token: Option<String>) -> Result<Option<Identity>, ApiError> {
    let Some(token) = token else { return Ok(None) };
    Ok(s.store.user_by_token(&token_hash(&token), Utc::now()).await?.map(identity_of))
}

/// The person signed in on this browser session, if any (and not disabled since), with the
/// session's CSRF token.
async fn session_caller(s: &AppState, session: Option<&Session>) -> Result<Option<(Identity, String)>, ApiError> {
    let Some(session) = session else { return Ok(None) };
    let Some(name) = session.get::<String>(sessions::USER).await.map_err(ApiError::internal)? else {
        return Ok(None);
    };
    let csrf = session.get::<String>(sessions::CSRF).await.map_err(ApiError::internal)?.unwrap_or_default();
    Ok(s.store.active_user(&name).await?.map(|u| (identity_of(u), csrf)))
}

/// Pages (not the JSON API, the health check or the assets): without a sign-in they lead to the
/// sign-in page instead of answering 401.
pub fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/") || path.starts_with("/assets/") || path == "/healthz")
}

/// Whether a request changes something, and so needs the session's CSRF token when a session
/// authenticates it.
fn unsafe_method(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// What a request presents to say who it is: a bearer token, or else a browser session (whose
/// changes must carry its CSRF token in `x-csrf-token`; the sign-in and sign-out forms check
/// theirs themselves).
struct Presented {
    bearer: Option<String>,
    session: Option<Session>,
    /// The CSRF token the request carries, when it changes something and must carry one.
    csrf: Option<String>,
}

impl Presented {
    fn of(req: &Request, path: &str) -> Self {
        let needs_csrf = unsafe_method(req.method()) && !matches!(path, "/login" | "/logout");
        let header = || req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
        Self {
            bearer: bearer(req),
            session: req.extensions().get::<Session>().cloned(),
            csrf: needs_csrf.then(|| header().to_string()),
        }
    }

    async fn identify(self, s: &AppState) -> Result<Option<Identity>, ApiError> {
        if let Some(token) = self.bearer {
            return caller(s, Some(token)).await;
        }
        let Some((identity, csrf)) = session_caller(s, self.session.as_ref()).await? else {
            return Ok(None);
        };
        if self.csrf.is_some_and(|presented| !sessions::csrf_matches(&csrf, &presented)) {
            return Err(ApiError::Forbidden("send the page's CSRF token in `x-csrf-token`".into()));
        }
        Ok(Some(identity))
    }
}

/// Applies the route's rule (401 without a valid token or session, or the sign-in page for a
/// page; 403 without a role it allows) and, for an audited route, writes who called it, from
/// where, and the answer, to the access log.
pub async fn enforce(State(s): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
    let Some(path) = path else { return next.run(req).await }; // the fallback: a 404 for anyone
    let Some((access, audited)) = crate::routes::rule(req.method(), &path) else {
        return ApiError::NotFound("no such page".into()).into_response();
    };
    let action = format!("{} {path}", req.method());
    let target = req.uri().path().to_string();
    let remote = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_default();
    // Public routes that are not logged need no one's name: no lookup for them.
    let presented = Presented::of(&req, &path);
    let identity = if access == Access::Public && !audited { Ok(None) } else { presented.identify(&s).await };
    let identity = match identity {
        Ok(identity) => identity,
        Err(e) => return e.into_response(),
    };
    let actor = identity.as_ref().map_or_else(|| "anonymous".to_string(), |i| i.name.clone());
    let response = match (access, identity) {
        (Access::Roles(_), None) if is_page(&path) => {
            let next = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let query = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
            axum::response::Redirect::to(&format!("/login?{query}")).into_response()
        }
        (Access::Roles(_), None) => {
            ApiError::Unauthorized("sign in: send `Authorization: Bearer <token>`".into()).into_response()
        }
        (Access::Roles(roles), Some(identity)) if !roles.iter().any(|r| identity.has(*r)) => {
            let names: Vec<&str> = roles.iter().map(|r| r.name()).collect();
            ApiError::Forbidden(format!("this needs one of the roles {}", names.join(", "))).into_response()
        }
        (_, identity) => {
            if let Some(identity) = identity {
                req.extensions_mut().insert(identity);
            }
            next.run(req).await
        }
    };
    if audited {
        let status = response.status().as_u16();
        if let Err(e) = s.store.record_access(&actor, &action, &target, &remote, status).await {
            // An access that cannot be logged is not answered.
            tracing::error!(error = %e, "access log not written");
            return ApiError::internal(e).into_response();
        }
    }
    response
}
