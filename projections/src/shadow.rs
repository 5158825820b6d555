//! `dcs replay --shadow`: every read model rebuilt from the log beside the live one, up to the
//! position the live one has reached, and compared with it row for row; the dashboards go on
//! reading the live tables throughout.

use std::time::Duration;

use store::{Store, TableDifference};

use crate::projector::{Projection, Projector};
use crate::{security_reports, ward_dashboard, ProjectionError, Result};

/// What the shadow rebuild of one read model found.
#[derive(Debug, Clone)]
pub struct ModelComparison {
    pub name: &'static str,
    /// The log position both were compared at.
    pub position: i64,
    /// Empty when the rebuilt model equals the live one.
    pub differences: Vec<TableDifference>,
}

/// Rebuilds every read model in the shadow of the live store (at `url`) and compares.
pub async fn compare_all(live: &Store, url: &str) -> Result<Vec<ModelComparison>> {
    let tables = [ward_dashboard::Model::TABLES, security_reports::Model::TABLES].concat();
    let shadow = live.shadow(url, &tables).await?;
    let result = async {
        Ok::<_, ProjectionError>(vec![
            compare(live, &shadow, ward_dashboard::Model).await?,
            compare(live, &shadow, security_reports::Model).await?,
        ])
    }
    .await;
    shadow.remove(live).await?;
    result
}

async fn compare<P: Projection>(live: &Store, shadow: &store::Shadow, model: P) -> Result<ModelComparison> {
    let rebuilt = Projector::new(shadow.store.clone(), model);
    rebuilt.store().reset_read_model(P::NAME, P::TABLES).await?;
    // The live model moves on while ingest runs: build up to where it is, compare in one
    // snapshot, and try again if it moved in between.
    for _ in 0..100 {
        let position = live.checkpoint(P::NAME).await?;
        rebuilt.catch_up_to(position).await?;
        if let Some(differences) = shadow.compare(live, P::NAME, P::TABLES).await? {
            return Ok(ModelComparison { name: P::NAME, position, differences });
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(ProjectionError::Store(store::StoreError::Shadow(format!(
        "the live {} moved on at every try; compare while the hub is quieter",
        P::NAME
    ))))
}
