//! `dcs nats config | building-user | building`: the hub's NATS servers under authentication
//! (one server or a cluster's nodes, with a leaf port), buildings' leaf credentials, and a
//! building's leaf node configuration.

use bus::credentials::{Authority, Cluster, LeafPort, ServerLayout};

use crate::cli::NatsCommand;

pub fn run(command: NatsCommand) -> anyhow::Result<()> {
    match command {
        NatsCommand::Config { dir, listen, store_dir, name, cluster_listen, routes, leaf_listen, leaf_advertise } => {
            let authority = Authority::open(&dir)?;
            let store_dir = store_dir.unwrap_or_else(|| match &name {
                Some(name) => dir.join("jetstream").join(name),
                None => dir.join("jetstream"),
            });
            let layout = ServerLayout {
                listen: listen.clone(),
                store_dir,
                name,
                cluster: cluster_listen.map(|listen| Cluster { listen, routes }),
                leaf: leaf_listen.map(|listen| LeafPort { listen, advertise: leaf_advertise }),
            };
            let config = authority.write_server_config(&layout)?;
            println!("wrote {}", config.display());
            println!("run:  nats-server -c {}", config.display());
            println!("then: dcs serve --nats-credentials {} --nats-url nats://{listen} ...", dir.display());
            println!("keep {} private: it holds the keys that admit stations to NATS", dir.display());
            Ok(())
        }
        NatsCommand::BuildingUser { dir, domain } => {
            let path = Authority::open(&dir)?.write_building_creds(&domain)?;
            println!("wrote {}", path.display());
            println!(
                "copy it to the building's leaf node: dcs nats building --domain {} --credentials FILE ...",
                domain.as_str()
            );
            Ok(())
        }
        NatsCommand::Building { domain, hub, listen, store_dir, credentials } => {
            print!("{}", bus::building::leaf_config(&domain, &listen, &hub, &store_dir, credentials.as_deref()));
            Ok(())
        }
    }
}
