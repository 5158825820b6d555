//! Who is calling: people hold roles (and, as ward officers, wards) and present an API token
//! (`Authorization: Bearer dcs_…`), kept by the hub only as its SHA-256. Every route has one
//! [`Access`] rule in the route table (`routes::table`); [`enforce`] applies it before the handler
//! runs and hands the handler the caller's [`Identity`].

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{ApiError, AppState};

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

/// Applies the route's rule (401 without a valid token, 403 without a role it allows) and, for an
/// audited route, writes who called it, from where, and the answer, to the access log.
pub async fn enforce(State(s): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
    let Some(path) = path else { return next.run(req).await }; // the fallback: a 404 for anyone
    let Some((access, audited)) = crate::routes::rule(req.method(), &path) else {
        return ApiError::NotFound("no such page".into()).into_response();
    };
    let action = format!("{} {path}", req.method());
    let target = req.uri().path().to_string();
    let remote = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_default();
    // Public routes that are not logged need no one's name: no token lookup for them.
    let token = if access == Access::Public && !audited { None } else { bearer(&req) };
    let identity = match caller(&s, token).await {
        Ok(identity) => identity,
        Err(e) => return e.into_response(),
    };
    let actor = identity.as_ref().map_or_else(|| "anonymous".to_string(), |i| i.name.clone());
    let response = match (access, identity) {
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
