//! Every AWS operation the fetch layer calls, by its IAM action name. The fetch code names
//! calls only through these constants, so this list is what a read-only role needs (the
//! README's IAM policy is tested against it).

pub const DESCRIBE_DB_CLUSTERS: &str = "rds:DescribeDBClusters";
pub const DESCRIBE_DB_CLUSTER_PARAMETER_GROUPS: &str = "rds:DescribeDBClusterParameterGroups";
pub const DESCRIBE_DB_CLUSTER_PARAMETERS: &str = "rds:DescribeDBClusterParameters";
pub const DESCRIBE_ENGINE_DEFAULT_CLUSTER_PARAMETERS: &str =
    "rds:DescribeEngineDefaultClusterParameters";
pub const DESCRIBE_INTEGRATIONS: &str = "rds:DescribeIntegrations";
pub const DESCRIBE_CLUSTERS: &str = "redshift:DescribeClusters";
pub const DESCRIBE_CLUSTER_PARAMETERS: &str = "redshift:DescribeClusterParameters";
pub const GET_RESOURCE_POLICY: &str = "redshift:GetResourcePolicy";
pub const GET_WORKGROUP: &str = "redshift-serverless:GetWorkgroup";
pub const GET_NAMESPACE: &str = "redshift-serverless:GetNamespace";
pub const LIST_WORKGROUPS: &str = "redshift-serverless:ListWorkgroups";
pub const LIST_NAMESPACES: &str = "redshift-serverless:ListNamespaces";

/// Everything `check` may call.
pub const READ: &[&str] = &[
    DESCRIBE_DB_CLUSTERS,
    DESCRIBE_DB_CLUSTER_PARAMETER_GROUPS,
    DESCRIBE_DB_CLUSTER_PARAMETERS,
    DESCRIBE_ENGINE_DEFAULT_CLUSTER_PARAMETERS,
    DESCRIBE_INTEGRATIONS,
    DESCRIBE_CLUSTERS,
    DESCRIBE_CLUSTER_PARAMETERS,
    GET_RESOURCE_POLICY,
    GET_WORKGROUP,
    GET_NAMESPACE,
    LIST_WORKGROUPS,
    LIST_NAMESPACES,
];

#[cfg(test)]
mod tests {
    use super::READ;

    /// The fetch code names no call except through these constants.
    #[test]
    fn fetch_code_has_no_literal_call_names() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/fetch");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == "calls.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for prefix in ["\"rds:", "\"redshift:", "\"redshift-serverless:"] {
                assert!(
                    !text.contains(prefix),
                    "{} names a call as a literal ({prefix}…); use fetch::calls",
                    path.display()
                );
            }
        }
    }

    /// The README's IAM policy grants every call.
    #[test]
    fn readme_policy_lists_every_call() {
        let readme = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"),
        )
        .unwrap();
        for call in READ {
            assert!(
                readme.contains(&format!("\"{call}\"")),
                "README IAM policy lacks {call}"
            );
        }
    }
}
