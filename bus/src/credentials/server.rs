//! The configuration of the hub's `nats-server` under decentralized JWT authentication: one
//! server, or a node of a JetStream cluster, with a leaf port for buildings if asked. Every node
//! of a cluster gets the same operator, accounts and resolver; routes between nodes are not
//! authenticated, so they belong on the hub's private network.

use std::path::PathBuf;

use super::{now, write_secret, Authority, CredentialsError};
use crate::building::HUB_DOMAIN;

/// Where one hub NATS server listens and what it joins.
#[derive(Debug, Clone, Default)]
pub struct ServerLayout {
    /// Clients (`127.0.0.1:4222`).
    pub listen: String,
    /// JetStream's store.
    pub store_dir: PathBuf,
    /// This node's name; a cluster needs one per node (`n1`). It also names the file.
    pub name: Option<String>,
    /// The cluster: this node's route address and every node's (`nats-route://10.0.0.1:6222`).
    pub cluster: Option<Cluster>,
    /// The port buildings' leaf nodes connect to, and the address they are told to use (a
    /// load balancer's, say); they authenticate with a building's credentials.
    pub leaf: Option<LeafPort>,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub listen: String,
    pub routes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct LeafPort {
    pub listen: String,
    pub advertise: Option<String>,
}

impl ServerLayout {
    fn file_name(&self) -> String {
        match &self.name {
            Some(name) => format!("nats-server-{name}.conf"),
            None => "nats-server.conf".into(),
        }
    }
}

impl Authority {
    /// Writes the hub's and the system user's credentials (new ones each time) and the server's
    /// configuration: operator JWT, system account, the full resolver (pushed account updates are
    /// kept across restarts and shared by a cluster's nodes) preloaded with both accounts,
    /// JetStream in the hub's domain, and no anonymous user. Returns the configuration's path.
    pub fn write_server_config(&self, layout: &ServerLayout) -> Result<PathBuf, CredentialsError> {
        let files = |e| CredentialsError::Files(self.dir.clone(), e);
        write_secret(&Self::hub_creds_path(&self.dir), &self.hub_creds())?;
        write_secret(&Self::system_creds_path(&self.dir), &self.system_creds())?;
        let resolver = match &layout.name {
            Some(name) => self.dir.join("accounts").join(name),
            None => self.dir.join("accounts"),
        };
        std::fs::create_dir_all(&resolver).map_err(files)?;
        let mut config = format!(
            "# NATS server for DCS: decentralized JWT authentication, no anonymous clients.\n\
             # Written by `dcs nats config`; the DCS account's updates (revoked stations) are pushed by the hub.\n\
             listen: \"{listen}\"\n\
             jetstream: {{ domain: {HUB_DOMAIN}, store_dir: \"{store}\" }}\n\
             operator: \"{operator}\"\n\
             system_account: \"{system}\"\n\
             resolver: {{ type: full, dir: \"{resolver}\", allow_delete: false, interval: \"2m\" }}\n\
             resolver_preload: {{\n  {system}: \"{system_jwt}\",\n  {account}: \"{account_jwt}\",\n}}\n",
            listen = layout.listen,
            store = layout.store_dir.display(),
            operator = self.operator_jwt(),
            system = self.system.public_key(),
            resolver = resolver.display(),
            system_jwt = self.system_account_jwt(),
            account = self.account.public_key(),
            account_jwt = self.account_jwt(&[], now()),
        );
        if let Some(name) = &layout.name {
            config.push_str(&format!("server_name: \"{name}\"\n"));
        }
        if let Some(c) = &layout.cluster {
            let routes: Vec<String> = c.routes.iter().map(|r| format!("\"{r}\"")).collect();
            config.push_str(&format!(
                "# Routes are not authenticated: keep the cluster port on the hub's private network.\n\
                 cluster: {{ name: dcs, listen: \"{}\", routes: [{}] }}\n",
                c.listen,
                routes.join(", ")
            ));
        }
        if let Some(leaf) = &layout.leaf {
            let advertise = leaf.advertise.as_ref().map(|a| format!(", advertise: \"{a}\"")).unwrap_or_default();
            config.push_str(&format!(
                "# Buildings' leaf nodes connect here with their own credentials (`dcs nats building-user`).\n\
                 leafnodes: {{ listen: \"{}\"{advertise} }}\n",
                leaf.listen
            ));
        }
        let path = self.dir.join(layout.file_name());
        std::fs::write(&path, config).map_err(files)?;
        Ok(path)
    }

    /// Writes a building's leaf credentials into `buildings/<domain>.creds` and returns the path.
    pub fn write_building_creds(&self, domain: &crate::building::BuildingDomain) -> Result<PathBuf, CredentialsError> {
        let dir = self.dir.join("buildings");
        std::fs::create_dir_all(&dir).map_err(|e| CredentialsError::Files(dir.clone(), e))?;
        let path = dir.join(format!("{}.creds", domain.as_str()));
        write_secret(&path, &self.building_creds(domain))?;
        Ok(path)
    }
}
