//! The Redshift side: resolve what the user named, then read it.

use std::sync::Arc;

use aws_sdk_redshift::types as rs;
use aws_sdk_redshiftserverless::types as rss;

use crate::model::{
    CallError, ClusterParameterGroupStatus, ClusterParameterStatus, ConfigParameter, Fact,
    Namespace, Parameter, ParameterGroup, ProvisionedTarget, RedshiftCluster, ServerlessTarget,
    TargetSnapshot, Workgroup,
};

use super::cache::{memo, Listed};
use super::calls;
use super::clients::TargetClients;
use crate::model::reads::Optional;

use super::error::{
    all_page_items, all_pages, call_error, hint_for, is_not_found, unreadable, FetchError,
};
use super::refs::TargetRef;

/// What a target name or ARN resolved to, with notes on assumptions made on the way.
enum Resolved {
    Cluster(Box<rs::Cluster>, Vec<String>),
    Workgroup(Box<rss::Workgroup>, Vec<String>),
}

/// The target, and notes on what the resolution assumed (for the report).
pub async fn fetch(
    c: &TargetClients,
    target: &TargetRef,
) -> Result<(TargetSnapshot, Vec<String>), FetchError> {
    let region = c.region();
    match resolve(c, target, &region).await? {
        Resolved::Cluster(cl, notes) => Ok((
            TargetSnapshot::Provisioned(provisioned(c, &cl, region).await?),
            notes,
        )),
        Resolved::Workgroup(wg, notes) => Ok((
            TargetSnapshot::Serverless(serverless(c, &wg, region).await),
            notes,
        )),
    }
}

fn not_found(id: &str, region: &str, what: &'static str) -> FetchError {
    FetchError::NotFound {
        what,
        id: id.to_string(),
        region: region.to_string(),
        hint: "Check the name and --region (aws redshift describe-clusters, aws redshift-serverless list-workgroups)".into(),
    }
}

async fn cluster_by_id(c: &TargetClients, id: &str) -> Result<Option<rs::Cluster>, CallError> {
    let key = format!("{}/{id}", c.region());
    memo(
        c.cache.as_ref(),
        |x| &x.redshift_clusters,
        key,
        || read_cluster(c, id),
    )
    .await
}

async fn read_cluster(c: &TargetClients, id: &str) -> Result<Option<rs::Cluster>, CallError> {
    let out = c
        .redshift
        .describe_clusters()
        .cluster_identifier(id)
        .send()
        .await;
    match out.map_err(|e| call_error(calls::DESCRIBE_CLUSTERS, e)) {
        Ok(o) => Ok(o.clusters().first().cloned()),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

async fn workgroup_by_name(
    c: &TargetClients,
    name: &str,
) -> Result<Option<rss::Workgroup>, CallError> {
    let key = format!("{}/{name}", c.region());
    memo(
        c.cache.as_ref(),
        |x| &x.workgroups,
        key,
        || read_workgroup(c, name),
    )
    .await
}

async fn read_workgroup(
    c: &TargetClients,
    name: &str,
) -> Result<Option<rss::Workgroup>, CallError> {
    let out = c
        .serverless
        .get_workgroup()
        .workgroup_name(name)
        .send()
        .await;
    match out.map_err(|e| call_error(calls::GET_WORKGROUP, e)) {
        Ok(o) => Ok(o.workgroup().cloned()),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Every provisioned cluster in the Region, all pages.
pub async fn all_clusters(c: &TargetClients) -> Listed<rs::Cluster> {
    memo(
        c.cache.as_ref(),
        |x| &x.redshift_cluster_list,
        c.region(),
        || read_all_clusters(c),
    )
    .await
}

async fn read_namespaces(c: &TargetClients) -> Listed<rss::Namespace> {
    all_pages(
        c.serverless
            .list_namespaces()
            .into_paginator()
            .items()
            .send(),
        calls::LIST_NAMESPACES,
    )
    .await
    .map(Arc::new)
}

async fn read_all_clusters(c: &TargetClients) -> Listed<rs::Cluster> {
    all_pages(
        c.redshift
            .describe_clusters()
            .into_paginator()
            .items()
            .send(),
        calls::DESCRIBE_CLUSTERS,
    )
    .await
    .map(Arc::new)
}

async fn all_workgroups(c: &TargetClients) -> Listed<rss::Workgroup> {
    memo(
        c.cache.as_ref(),
        |x| &x.workgroup_list,
        c.region(),
        || read_workgroups(c),
    )
    .await
}

async fn read_workgroups(c: &TargetClients) -> Listed<rss::Workgroup> {
    all_pages(
        c.serverless
            .list_workgroups()
            .into_paginator()
            .items()
            .send(),
        calls::LIST_WORKGROUPS,
    )
    .await
    .map(Arc::new)
}

async fn resolve(
    c: &TargetClients,
    target: &TargetRef,
    region: &str,
) -> Result<Resolved, FetchError> {
    match target {
        TargetRef::Name(name) => {
            let (cluster, workgroup) =
                tokio::join!(cluster_by_id(c, name), workgroup_by_name(c, name));
            match (cluster, workgroup) {
                (Ok(Some(_)), Ok(Some(_))) => Err(FetchError::Ambiguous(name.clone())),
                (Ok(Some(cl)), other) => {
                    let mut r = Resolved::Cluster(Box::new(cl), Vec::new());
                    if let (Err(e), Resolved::Cluster(_, notes)) = (other, &mut r) {
                        notes.push(format!(
                            "'{name}' was taken as the provisioned cluster of that name; a Serverless workgroup of the same name could not be ruled out ({})",
                            e.describe()
                        ));
                    }
                    Ok(r)
                }
                (other, Ok(Some(wg))) => {
                    let mut notes = Vec::new();
                    if let Err(e) = other {
                        notes.push(format!(
                            "'{name}' was taken as the Serverless workgroup of that name; a provisioned cluster of the same name could not be ruled out ({})",
                            e.describe()
                        ));
                    }
                    Ok(Resolved::Workgroup(Box::new(wg), notes))
                }
                (Ok(None), Ok(None)) => Err(not_found(
                    name,
                    region,
                    "Redshift cluster or Serverless workgroup",
                )),
                // One lookup says "no such thing", the other failed: not found, saying
                // which lookup could not answer.
                (Ok(None), Err(e)) | (Err(e), Ok(None)) => Err(FetchError::NotFound {
                    what: "Redshift cluster or Serverless workgroup",
                    id: name.clone(),
                    region: region.to_string(),
                    hint: format!(
                        "The other lookup failed ({}), so it cannot rule that kind out. {}",
                        e.describe(),
                        hint_for(&e)
                    ),
                }),
                (Err(e), Err(_)) => Err(unreadable(name, "Redshift target", e)),
            }
        }
        TargetRef::ClusterArn { id, .. } => match cluster_by_id(c, id).await {
            Ok(Some(cl)) => Ok(Resolved::Cluster(Box::new(cl), Vec::new())),
            Ok(None) => Err(not_found(id, region, "Redshift cluster")),
            Err(e) => Err(unreadable(id, "Redshift cluster", e)),
        },
        TargetRef::ProvisionedNamespace(arn) => {
            let id = arn.to_string();
            let all = all_clusters(c)
                .await
                .map_err(|e| unreadable(&id, "Redshift namespace", e))?;
            all.iter()
                .find(|cl| cl.cluster_namespace_arn() == Some(id.as_str()))
                .map(|cl| Resolved::Cluster(Box::new(cl.clone()), Vec::new()))
                .ok_or_else(|| not_found(&id, region, "Redshift cluster with namespace"))
        }
        TargetRef::ServerlessNamespace(arn) => {
            let id = arn.to_string();
            let namespaces = memo(
                c.cache.as_ref(),
                |x| &x.namespace_list,
                c.region(),
                || read_namespaces(c),
            )
            .await
            .map_err(|e| unreadable(&id, "Redshift Serverless namespace", e))?;
            let ns = namespaces
                .iter()
                .find(|n| n.namespace_arn() == Some(id.as_str()))
                .and_then(|n| n.namespace_name().map(str::to_string))
                .ok_or_else(|| not_found(&id, region, "Redshift Serverless namespace"))?;
            let wgs = all_workgroups(c)
                .await
                .map_err(|e| unreadable(&id, "Redshift Serverless namespace", e))?;
            wgs.iter()
                .find(|w| w.namespace_name() == Some(ns.as_str()))
                .map(|w| Resolved::Workgroup(Box::new(w.clone()), Vec::new()))
                .ok_or_else(|| FetchError::NotFound {
                    what: "workgroup for Redshift Serverless namespace",
                    id: ns,
                    region: region.to_string(),
                    hint: "A Serverless target needs a workgroup; create one for the namespace"
                        .into(),
                })
        }
        TargetRef::ServerlessWorkgroup(arn) => {
            let id = arn.to_string();
            let wgs = all_workgroups(c)
                .await
                .map_err(|e| unreadable(&id, "Redshift Serverless workgroup", e))?;
            wgs.iter()
                .find(|w| w.workgroup_arn() == Some(id.as_str()))
                .map(|w| Resolved::Workgroup(Box::new(w.clone()), Vec::new()))
                .ok_or_else(|| not_found(&id, region, "Redshift Serverless workgroup"))
        }
    }
}

/// A cluster as the snapshot holds it; NodeType and Encrypted, which AWS always returns, are
/// required.
fn convert_cluster(cl: &rs::Cluster) -> Result<RedshiftCluster, CallError> {
    let s = |v: Option<&str>| v.unwrap_or_default().to_string();
    let missing = |field: &str| {
        CallError::new(
            calls::DESCRIBE_CLUSTERS,
            None,
            format!("the answer has no {field} for the cluster (incomplete response)"),
        )
    };
    Ok(RedshiftCluster {
        cluster_identifier: s(cl.cluster_identifier()),
        node_type: cl
            .node_type()
            .filter(|t| !t.is_empty())
            .ok_or_else(|| missing("NodeType"))?
            .to_string(),
        number_of_nodes: cl.number_of_nodes().map(i64::from),
        encrypted: Some(cl.encrypted().ok_or_else(|| missing("Encrypted"))?),
        cluster_status: s(cl.cluster_status()),
        cluster_namespace_arn: cl.cluster_namespace_arn().map(str::to_string),
        tags: cl
            .tags()
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
            .collect(),
        cluster_parameter_groups: cl
            .cluster_parameter_groups()
            .iter()
            .map(|g| ClusterParameterGroupStatus {
                parameter_group_name: s(g.parameter_group_name()),
                parameter_apply_status: g.parameter_apply_status().map(str::to_string),
                cluster_parameter_status_list: g
                    .cluster_parameter_status_list()
                    .iter()
                    .map(|p| ClusterParameterStatus {
                        parameter_name: s(p.parameter_name()),
                        parameter_apply_status: p.parameter_apply_status().map(str::to_string),
                        parameter_apply_error_description: p
                            .parameter_apply_error_description()
                            .map(str::to_string),
                    })
                    .collect(),
            })
            .collect(),
        enhanced_vpc_routing: cl.enhanced_vpc_routing(),
        cluster_version: cl.cluster_version().map(str::to_string),
        cluster_revision_number: cl.cluster_revision_number().map(str::to_string),
    })
}

async fn provisioned(
    c: &TargetClients,
    cl: &rs::Cluster,
    region: String,
) -> Result<ProvisionedTarget, FetchError> {
    let cluster = convert_cluster(cl).map_err(|e| {
        let id = cl.cluster_identifier().unwrap_or_default().to_string();
        FetchError::Unreadable {
            what: "Redshift cluster",
            id,
            hint: "The answer was incomplete; try again, and check any proxy between you and AWS"
                .into(),
            error: Box::new(e),
        }
    })?;
    let group = cluster
        .cluster_parameter_groups
        .first()
        .map(|g| g.parameter_group_name.clone());
    let (parameter_group, resource_policy) = tokio::join!(
        cluster_parameters(c, group.as_deref()),
        resource_policy(
            c,
            cluster.cluster_namespace_arn.as_deref(),
            "ClusterNamespaceArn"
        )
    );
    Ok(ProvisionedTarget {
        region,
        cluster,
        parameter_group: parameter_group.into(),
        resource_policy: resource_policy.into(),
    })
}

async fn cluster_parameters(
    c: &TargetClients,
    group: Option<&str>,
) -> Result<ParameterGroup, CallError> {
    super::calls::left_out(c.wanted, Optional::TargetParameters)?;
    let key = format!("{}/{}", c.region(), group.unwrap_or(""));
    memo(
        c.cache.as_ref(),
        |x| &x.cluster_parameters,
        key,
        || read_cluster_parameters(c, group),
    )
    .await
}

async fn read_cluster_parameters(
    c: &TargetClients,
    group: Option<&str>,
) -> Result<ParameterGroup, CallError> {
    const CALL: &str = calls::DESCRIBE_CLUSTER_PARAMETERS;
    let Some(group) = group else {
        return Err(CallError::new(
            CALL,
            None,
            "not called: the cluster reports no parameter group",
        ));
    };
    let params = all_page_items(
        c.redshift
            .describe_cluster_parameters()
            .parameter_group_name(group)
            .into_paginator()
            .send(),
        CALL,
        "Parameters",
        |page| page.parameters,
    )
    .await?;
    Ok(ParameterGroup {
        name: group.to_string(),
        family: None,
        defaults_only: false,
        parameters: params
            .iter()
            .filter_map(|p| {
                Some((
                    p.parameter_name()?.to_string(),
                    Parameter {
                        parameter_value: p.parameter_value().map(str::to_string),
                        source: p.source().map(str::to_string),
                        apply_type: p.apply_type().map(|t| t.as_str().to_string()),
                        is_modifiable: p.is_modifiable(),
                    },
                ))
            })
            .collect::<std::collections::BTreeMap<_, _>>()
            .into(),
    })
}

/// The namespace resource policy; `Ok(None)` when none is attached.
async fn resource_policy(
    c: &TargetClients,
    namespace_arn: Option<&str>,
    field: &str,
) -> Result<Option<String>, CallError> {
    super::calls::left_out(c.wanted, Optional::ResourcePolicy)?;
    let key = format!("{}/{}", namespace_arn.unwrap_or(""), field);
    memo(
        c.cache.as_ref(),
        |x| &x.resource_policies,
        key,
        || read_resource_policy(c, namespace_arn, field),
    )
    .await
}

async fn read_resource_policy(
    c: &TargetClients,
    namespace_arn: Option<&str>,
    field: &str,
) -> Result<Option<String>, CallError> {
    const CALL: &str = calls::GET_RESOURCE_POLICY;
    let Some(arn) = namespace_arn else {
        // The call that came up short is the one that should have named the namespace.
        let by = if field == "ClusterNamespaceArn" {
            calls::DESCRIBE_CLUSTERS
        } else {
            calls::GET_NAMESPACE
        };
        return Err(CallError::new(
            by,
            None,
            format!("it returned no {field}, so the namespace's resource policy ({CALL}) cannot be read"),
        ));
    };
    match c
        .redshift
        .get_resource_policy()
        .resource_arn(arn)
        .send()
        .await
    {
        Ok(o) => Ok(o
            .resource_policy()
            .and_then(|p| p.policy())
            .map(str::to_string)),
        Err(e) => {
            let e = call_error(CALL, e);
            if is_not_found(&e) {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

fn convert_workgroup(w: &rss::Workgroup) -> Workgroup {
    let s = |v: Option<&str>| v.unwrap_or_default().to_string();
    Workgroup {
        workgroup_name: s(w.workgroup_name()),
        workgroup_arn: w.workgroup_arn().map(str::to_string),
        namespace_name: s(w.namespace_name()),
        status: w
            .status()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        config_parameters: w
            .config_parameters()
            .iter()
            .map(|p| ConfigParameter {
                parameter_key: s(p.parameter_key()),
                parameter_value: p.parameter_value().map(str::to_string),
            })
            .collect(),
    }
}

async fn serverless(c: &TargetClients, wg: &rss::Workgroup, region: String) -> ServerlessTarget {
    let workgroup = convert_workgroup(wg);
    let key = format!("{}/{}", c.region(), workgroup.namespace_name);
    let namespace: Fact<Namespace> = memo(
        c.cache.as_ref(),
        |x| &x.namespaces,
        key,
        || read_namespace(c, &workgroup.namespace_name),
    )
    .await;
    // Without the namespace there is no ARN to ask about: the failure is GetNamespace's.
    let resource_policy = match &namespace {
        Fact::Error(e) => Fact::Error(e.clone()),
        Fact::Ok(n) => {
            let arn = Some(n.namespace_arn.clone()).filter(|a| !a.is_empty());
            resource_policy(c, arn.as_deref(), "namespaceArn")
                .await
                .into()
        }
    };
    ServerlessTarget {
        region,
        workgroup,
        namespace,
        resource_policy,
        tags: None,
    }
}

async fn read_namespace(c: &TargetClients, name: &str) -> Fact<Namespace> {
    c.serverless
        .get_namespace()
        .namespace_name(name)
        .send()
        .await
        .map_err(|e| call_error(calls::GET_NAMESPACE, e))
        .and_then(|o| {
            let n = o.namespace().ok_or_else(|| {
                CallError::new(calls::GET_NAMESPACE, None, "the response has no namespace")
            })?;
            Ok(Namespace {
                namespace_name: n.namespace_name().unwrap_or_default().to_string(),
                namespace_arn: n.namespace_arn().unwrap_or_default().to_string(),
                status: n
                    .status()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
                kms_key_id: n.kms_key_id().map(str::to_string),
            })
        })
        .into()
}
