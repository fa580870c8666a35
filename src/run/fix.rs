//! `check --fix` on one pair: connect, say whose account will change, then plan, confirm,
//! apply and check again ([`crate::fix::flow`]).

use crate::fetch::kms::KeyChoice;
use crate::fetch::{SourceRef, TargetRef};
use crate::fix::flow::{self, FlowOptions, FlowResult};
use crate::fix::Plan;
use crate::model::{Finding, Snapshot};

use super::session;
use super::{Error, Settings};

/// Fix one pair. `confirm` is shown the sentence that names the account to be changed and
/// the plan. Returns what happened and that sentence.
pub async fn fix(
    settings: &Settings,
    pair: &(SourceRef, TargetRef),
    (key, creator): (Option<&KeyChoice>, Option<&str>),
    opts: &FlowOptions,
    findings_of: impl Fn(&Snapshot) -> Vec<Finding>,
    confirm: impl FnOnce(&str, &Plan) -> bool,
) -> Result<(FlowResult, String), Error> {
    let (source, target) = pair;
    let sdk = session::connect(settings, std::slice::from_ref(pair)).await?;
    // The account that will be changed, shown before anything is asked or applied.
    let identity = session::who_is_acting(&sdk).await;
    let acting = match &identity {
        Some(id) => format!("Changes will be made in {}\n\n", id.describe()),
        None => "Changes will be made with the current credentials (sts:GetCallerIdentity \
                 was not allowed, so the account is not shown)\n\n"
            .to_string(),
    };
    let (src, tgt) = session::clients(&sdk, source, target);
    let creator = session::creator_of(creator, identity.as_ref());
    let clients = super::SdkClients::new(sdk).wanting(src.wanted);
    let (kms, iam, cloudwatch) = (
        super::Clients::kms(&clients, &src.region()),
        super::Clients::iam(&clients),
        super::Clients::cloudwatch(&clients, &tgt.region()),
    );
    let result = flow::run(
        flow::Pair {
            src: &src,
            tgt: &tgt,
            source,
            target,
            keyed: flow::Keyed {
                key,
                kms: kms.as_ref(),
                creator: creator.as_ref(),
                iam: iam.as_ref(),
                cloudwatch: cloudwatch.as_ref(),
            },
        },
        &settings.rules,
        findings_of,
        opts,
        |plan| confirm(&acting, plan),
    )
    .await?;
    Ok((result, acting))
}
