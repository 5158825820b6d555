//! `dcs`: the DCS hub and everything around it. Thin: parses the command line and runs it.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = dcs::cli::Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match cli.log_format {
        dcs::cli::LogFormat::Text => logs.init(),
        dcs::cli::LogFormat::Json => logs.json().init(),
    }
    dcs::cli::run(cli).await
}
