//! `dcs user add | disable | token`: the people who use the hub, their roles and wards, and API
//! tokens (shown once; the hub keeps only their hash).

use anyhow::{bail, Context};

use crate::cli::UserCommand;
use api::auth::{new_token, token_hash, Role};
use chrono::{Duration, Utc};
use store::{Store, User};

/// Checks roles and wards, then adds the person.
pub async fn add(store: &Store, name: &str, roles: &[String], wards: &[String]) -> anyhow::Result<()> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        bail!("a user's name is 1 to 100 characters");
    }
    let mut parsed = Vec::new();
    for r in roles {
        let role = Role::parse(r).with_context(|| {
            let known: Vec<&str> = Role::ALL.iter().map(|r| r.name()).collect();
            format!("`{r}` is not a role ({})", known.join(", "))
        })?;
        parsed.push(role.name());
    }
    if parsed.is_empty() {
        bail!("give at least one --role");
    }
    for w in wards {
        protocol::WardCode::parse(w).map_err(|e| anyhow::anyhow!("--ward {w}: {}", e.reason))?;
    }
    if parsed.contains(&Role::WardOfficer.name()) && wards.is_empty() {
        bail!("a ward officer serves at least one --ward");
    }
    let user = User { name: name.to_string(), roles: parsed.join(","), wards: wards.join(","), disabled: false };
    store.add_user(&user).await?;
    Ok(())
}

/// A new token for the person, valid for `days`; returns it (shown once).
pub async fn token(store: &Store, name: &str, days: i64) -> anyhow::Result<String> {
    let token = new_token();
    store.add_token(&token_hash(&token), name, Utc::now() + Duration::days(days.clamp(1, 366))).await?;
    Ok(token)
}

/// Runs `dcs user …`.
pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    let url = match &command {
        UserCommand::Add { database_url, .. }
        | UserCommand::Disable { database_url, .. }
        | UserCommand::Token { database_url, .. } => database_url.clone(),
    };
    let store = Store::connect(&url).await.context("cannot open the database")?;
    match command {
        UserCommand::Add { name, roles, wards, .. } => {
            add(&store, &name, &roles, &wards).await?;
            println!("added {name}");
        }
        UserCommand::Disable { name, .. } => {
            store.disable_user(&name).await?;
            println!("disabled {name}; their tokens no longer work");
        }
        UserCommand::Token { name, days, .. } => println!("{}", token(&store, &name, days).await?),
    }
    Ok(())
}
