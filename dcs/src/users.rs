//! `dcs user add | password | disable | token`: the people who use the hub, their roles and wards, and API
//! tokens (shown once; the hub keeps only their hash).

use anyhow::Context;

use crate::cli::UserCommand;
use api::auth::{new_token, token_hash};
use chrono::{Duration, Utc};
use store::Store;

/// Checks roles and wards, then adds the person.
pub async fn add(store: &Store, name: &str, roles: &[String], wards: &[String]) -> anyhow::Result<()> {
    let user = api::auth::new_user(name, roles, wards).map_err(|e| anyhow::anyhow!("--{e}"))?;
    store.add_user(&user).await?;
    Ok(())
}

/// Sets the login and password a person signs in with; returns the login.
pub async fn password_for(store: &Store, name: &str, login: Option<&str>, password: &str) -> anyhow::Result<String> {
    let login = api::routes::login_of(login, name).map_err(|e| anyhow::anyhow!("--{e}"))?;
    let hash = api::password::hash(password).map_err(|e| anyhow::anyhow!("{e}"))?;
    store.set_password(name, &login, &hash).await?;
    Ok(login)
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
        | UserCommand::Password { database_url, .. }
        | UserCommand::Disable { database_url, .. }
        | UserCommand::Token { database_url, .. } => database_url.clone(),
    };
    let store = Store::connect(&url).await.context("cannot open the database")?;
    match command {
        UserCommand::Add { name, roles, wards, .. } => {
            add(&store, &name, &roles, &wards).await?;
            println!("added {name}");
        }
        UserCommand::Password { name, login, .. } => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password).context("cannot read the password from standard input")?;
            let login = password_for(&store, &name, login.as_deref(), password.trim_end_matches(['\r', '\n'])).await?;
            println!("{name} signs in as {login}");
        }
        UserCommand::Disable { name, .. } => {
            store.disable_user(&name).await?;
            println!("disabled {name}; their tokens no longer work");
        }
        UserCommand::Token { name, days, .. } => println!("{}", token(&store, &name, days).await?),
    }
    Ok(())
}
