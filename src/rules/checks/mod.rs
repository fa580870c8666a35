//! The check kinds. Each takes the snapshot and returns an [`Outcome`].

mod attribute;
mod data;
mod deployment;
mod integrations;
mod membership;
mod parameter;
mod policy;
mod topology;
mod versions;

use crate::model::{Snapshot, TargetSnapshot};

use super::outcome::Outcome;
use super::spec::{Check, On};

pub fn run(check: &Check, snap: &Snapshot) -> Outcome {
    match check {
        Check::SourceParameter {
            parameter,
            expect,
            documented_default,
        } => parameter::source(snap, parameter, expect, documented_default.as_ref()),
        Check::SourceParametersUnset { parameters } => parameter::source_unset(snap, parameters),
        Check::TargetParameter {
            parameter,
            expect,
            documented_default,
        } => parameter::target(snap, parameter, expect, documented_default.as_ref()),
        Check::ParametersApplied => parameter::applied(snap),
        Check::Attribute {
            on,
            field,
            expect,
            when_absent,
        } => attribute::check(snap, *on, field, expect, when_absent.as_ref()),
        Check::EngineVersion {
            minimum,
            minimum_by_major,
            as_of,
        } => versions::engine_version(snap, minimum.as_deref(), minimum_by_major, as_of.as_deref()),
        Check::RegionAvailable {
            as_of,
            page,
            available,
            not_available,
        } => versions::region_available(snap, as_of, page, available, not_available),
        Check::Backtrack => versions::backtrack(snap),
        Check::ClusterWriter => topology::cluster_writer(snap),
        Check::SameRegion => topology::same_region(snap),
        Check::GlobalDatabase => membership::global_database(snap),
        Check::BlueGreen => membership::blue_green(snap),
        Check::NamespaceArn => topology::namespace_arn(snap),
        Check::ResourcePolicy { statement } => policy::check(snap, *statement),
        Check::Integrations { check, limit } => integrations::check(snap, *check, *limit),
        Check::Deployment {
            problem,
            parameters,
            limit,
        } => deployment::check(snap, *problem, parameters, *limit),
        Check::Data {
            problem,
            supported,
            unsupported,
            as_of,
            limit,
        } => data::check(
            snap,
            *problem,
            &data::TypeData {
                supported,
                unsupported,
                as_of: as_of.as_deref(),
            },
            *limit,
        ),
    }
}

/// The resource a finding is about when the check does not say otherwise.
pub fn default_resource(check: &Check, snap: &Snapshot) -> String {
    let source = || snap.source.cluster.db_cluster_arn.clone();
    match check {
        Check::SourceParameter { .. }
        | Check::SourceParametersUnset { .. }
        | Check::ParametersApplied
        | Check::EngineVersion { .. }
        | Check::RegionAvailable { .. }
        | Check::Backtrack
        | Check::ClusterWriter
        | Check::SameRegion
        | Check::GlobalDatabase
        | Check::BlueGreen
        | Check::Integrations { .. }
        | Check::Deployment { .. }
        | Check::Data { .. } => source(),
        Check::Attribute { on, .. } => match on {
            On::SourceCluster => source(),
            On::Workgroup => workgroup_resource(snap),
            On::TargetCluster | On::Namespace => target_resource(snap),
        },
        Check::TargetParameter { .. } => match &snap.target {
            TargetSnapshot::Serverless(_) => workgroup_resource(snap),
            TargetSnapshot::Provisioned(_) => target_resource(snap),
        },
        Check::NamespaceArn | Check::ResourcePolicy { .. } => target_resource(snap),
    }
}

/// The target namespace ARN where known, else the cluster identifier or workgroup name.
pub fn target_resource(snap: &Snapshot) -> String {
    snap.target
        .namespace_arn()
        .unwrap_or(snap.target.display_id())
        .to_string()
}

fn workgroup_resource(snap: &Snapshot) -> String {
    match &snap.target {
        TargetSnapshot::Serverless(s) => s
            .workgroup
            .workgroup_arn
            .clone()
            .unwrap_or_else(|| s.workgroup.workgroup_name.clone()),
        TargetSnapshot::Provisioned(_) => target_resource(snap),
    }
}
