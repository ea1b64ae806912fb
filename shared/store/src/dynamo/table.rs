//! The table definition, read from `infra/dynamodb-table.json` (its one home), and creating
//! the table from it: the tests do this against the local endpoint.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use aws_sdk_dynamodb::Client;
use rantevou_domain::ports::StoreError;
use serde::Deserialize;

/// The definition file's text, compiled in.
pub const DEFINITION_JSON: &str = include_str!("../../../../infra/dynamodb-table.json");

/// The table definition, in CreateTable's shape.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableDefinition {
    #[serde(rename = "_comment", default)]
    _comment: String,
    /// Key attributes and their types.
    pub attribute_definitions: Vec<AttributeDef>,
    /// The table's key.
    pub key_schema: Vec<KeyDef>,
    /// Secondary indexes.
    pub global_secondary_indexes: Vec<IndexDef>,
    /// `PAY_PER_REQUEST`.
    pub billing_mode: String,
    /// The TTL attribute.
    pub time_to_live_attribute: String,
}

/// An attribute definition.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeDef {
    /// Name.
    pub attribute_name: String,
    /// `S`, `N` or `B`.
    pub attribute_type: String,
}

/// A key element.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyDef {
    /// Name.
    pub attribute_name: String,
    /// `HASH` or `RANGE`.
    pub key_type: String,
}

/// A global secondary index.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IndexDef {
    /// Name.
    pub index_name: String,
    /// Its key.
    pub key_schema: Vec<KeyDef>,
    /// What it projects.
    pub projection: ProjectionDef,
}

/// An index projection.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProjectionDef {
    /// `ALL`, `KEYS_ONLY` or `INCLUDE`.
    pub projection_type: String,
}

impl TableDefinition {
    /// The definition shipped in `infra/`.
    pub fn shipped() -> Result<Self, StoreError> {
        serde_json::from_str(DEFINITION_JSON)
            .map_err(|e| StoreError::Corrupt(format!("infra/dynamodb-table.json: {e}")))
    }
}

fn key_elements(keys: &[KeyDef]) -> Result<Vec<KeySchemaElement>, StoreError> {
    keys.iter()
        .map(|k| {
            KeySchemaElement::builder()
                .attribute_name(&k.attribute_name)
                .key_type(KeyType::from(k.key_type.as_str()))
                .build()
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .collect()
}

/// Creates table `name` from the shipped definition and switches its TTL on.
pub async fn create_table(client: &Client, name: &str) -> Result<(), StoreError> {
    let def = TableDefinition::shipped()?;
    let bad = |e: aws_sdk_dynamodb::error::BuildError| StoreError::Corrupt(e.to_string());
    let mut request = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::from(def.billing_mode.as_str()))
        .set_key_schema(Some(key_elements(&def.key_schema)?));
    for a in &def.attribute_definitions {
        request = request.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(&a.attribute_name)
                .attribute_type(ScalarAttributeType::from(a.attribute_type.as_str()))
                .build()
                .map_err(bad)?,
        );
    }
    for index in &def.global_secondary_indexes {
        request = request.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(&index.index_name)
                .set_key_schema(Some(key_elements(&index.key_schema)?))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::from(
                            index.projection.projection_type.as_str(),
                        ))
                        .build(),
                )
                .build()
                .map_err(bad)?,
        );
    }
    request.send().await.map_err(super::error::from_sdk)?;
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(&def.time_to_live_attribute)
                .enabled(true)
                .build()
                .map_err(bad)?,
        )
        .send()
        .await
        .map_err(super::error::from_sdk)?;
    Ok(())
}
