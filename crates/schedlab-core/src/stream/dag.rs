//! DAG jobs (placeholder)
