//! `audit`: find every zero-ETL integration in the chosen Regions (RDS DescribeIntegrations
//! for Aurora and RDS sources, Redshift DescribeIntegrations for DynamoDB tables; all pages),
//! and turn each into a pair to check like any other.

use std::sync::Arc;

use crate::fetch::cache::ReadCache;
use crate::fetch::{source, SourceClients, SourceRef, TargetRef};
use crate::model::{CallError, Fact, Integration, Snapshot};

use super::{Clients, Error, Settings};
use crate::rules::spec::Check;
use crate::rules::RuleSet;

/// One integration found, and the pair it is, when the tool can check that pair.
#[derive(Debug, Clone)]
pub struct Found {
    pub region: String,
    pub integration: Integration,
    /// `Err`: why this integration is listed but not checked (an RDS or non-Redshift end).
    pub pair: Result<(SourceRef, TargetRef), String>,
    /// `--candidates`: a cluster without an integration, checked against a chosen target.
    pub candidate: bool,
}

/// Inbound integrations (Redshift side) that the RDS list of this account does not have:
/// their source is in another account.
async fn inbound_elsewhere<C: Clients>(
    clients: &C,
    region: &str,
    known: &[Integration],
) -> Result<Vec<(String, String)>, CallError> {
    let t = clients.targets_in_region(region);
    let all = crate::fetch::error::all_pages(
        t.redshift
            .describe_inbound_integrations()
            .into_paginator()
            .items()
            .send(),
        crate::fetch::calls::DESCRIBE_INBOUND_INTEGRATIONS,
    )
    .await?;
    Ok(all
        .iter()
        .filter(|i| {
            !known
                .iter()
                .any(|k| k.integration_arn.as_deref() == i.integration_arn())
        })
        .map(|i| {
            let arn = i.integration_arn().unwrap_or("?");
            let note = format!(
                "inbound integration {arn} from {} into {} ({}) has its source in another account: audit that account with --role-arn",
                i.source_arn().unwrap_or("?"),
                i.target_arn().unwrap_or("?"),
                i.status().map(|s| s.as_str()).unwrap_or("?")
            );
            (arn.to_string(), note)
        })
        .collect())
}

/// What one account's discovery found: the integrations, the inbound integrations whose
/// source is elsewhere (ARN and note), and what could not be listed.
pub type Discovered = (Vec<Found>, Vec<(String, String)>, Vec<String>);

/// List the integrations of every Region, the Regions at once; the lists also seed `cache`,
/// so checking the pairs does not list them again. Results are in the Regions' order.
pub async fn discover<C: Clients + 'static>(
    clients: Arc<C>,
    regions: &[String],
    cache: &Arc<ReadCache>,
) -> Result<Discovered, CallError> {
    let mut tasks = tokio::task::JoinSet::new();
    for (n, region) in regions.iter().enumerate() {
        let (clients, cache, region) = (clients.clone(), cache.clone(), region.clone());
        tasks.spawn(async move { (n, discover_region(clients.as_ref(), &region, &cache).await) });
    }
    let mut per_region: Vec<Option<Result<Discovered, CallError>>> =
        regions.iter().map(|_| None).collect();
    while let Some(done) = tasks.join_next().await {
        let (n, r) = done.expect("discovery does not panic");
        per_region[n] = Some(r);
    }
    let (mut found, mut elsewhere, mut unverified) = (Vec::new(), Vec::new(), Vec::new());
    for r in per_region {
        let (f, e, u) = r.expect("every Region was listed")?;
        found.extend(f);
        elsewhere.extend(e);
        unverified.extend(u);
    }
    Ok((found, elsewhere, unverified))
}

async fn discover_region<C: Clients>(
    clients: &C,
    region: &str,
    cache: &ReadCache,
) -> Result<Discovered, CallError> {
    let rds: SourceClients = clients.in_region(region);
    // A Region whose integrations cannot be listed (denied, or an endpoint without the
    // API) is not verified; the other Regions, the candidates and the accounts carry on.
    let list = match source::integrations(&rds).await {
        Fact::Ok(l) => l,
        Fact::Error(e) => {
            let why = format!("integrations in {region} were not listed: {}", e.describe());
            return Ok((Vec::new(), Vec::new(), vec![why]));
        }
    };
    let seeded = Fact::Ok(list.clone());
    cache.integrations.get(region, || async { seeded }).await;
    let mut unverified = Vec::new();
    // A DynamoDB table's integrations are Redshift's (with S3 event integrations, which the
    // tool does not check). Listed apart: a denial leaves the RDS ones checked.
    let tables = match crate::fetch::dynamodb::integrations(&rds).await {
        Fact::Ok(l) => {
            let seeded = Fact::Ok(l.clone());
            let key = format!("redshift\n{region}");
            cache.integrations.get(&key, || async { seeded }).await;
            l
        }
        Fact::Error(e) => {
            unverified.push(format!(
                "DynamoDB integrations in {region} were not listed: {}",
                e.describe()
            ));
            Arc::new(Vec::new())
        }
    };
    let known: Vec<Integration> = list.iter().chain(tables.iter()).cloned().collect();
    let elsewhere = match inbound_elsewhere(clients, region, &known).await {
        Ok(e) => e,
        Err(e) => {
            unverified.push(format!(
                "inbound integrations in {region} were not listed: {}",
                e.describe()
            ));
            Vec::new()
        }
    };
    let found = known
        .iter()
        .map(|i| {
            let pair = match (
                SourceRef::parse(&i.source_arn),
                TargetRef::parse(&i.target_arn),
            ) {
                (Ok(s), Ok(t)) => Ok((s, t)),
                (Err(e), _) => Err(format!("its source is not one zetl-preflight checks ({e})")),
                (_, Err(e)) => Err(format!(
                    "its target is not an Amazon Redshift namespace ({e})"
                )),
            };
            Found {
                region: region.to_string(),
                integration: i.clone(),
                pair,
                candidate: false,
            }
        })
        .collect();
    Ok((found, elsewhere, unverified))
}

/// The kinds of source `--candidates` looks for (`--candidate-sources`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, clap::ValueEnum)]
pub enum CandidateSource {
    /// Aurora DB clusters and RDS DB instances.
    Rds,
    /// DynamoDB tables.
    Dynamodb,
}

/// `--candidates TARGET` and the kinds of source to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidates {
    pub target: String,
    pub sources: Vec<CandidateSource>,
}

impl Candidates {
    /// Aurora clusters and RDS DB instances, as `--candidates` alone looks for.
    pub fn rds(target: &str) -> Candidates {
        Candidates {
            target: target.to_string(),
            sources: vec![CandidateSource::Rds],
        }
    }
}

/// A candidate: a source without an integration, paired with the chosen target.
fn candidate(region: &str, arn: &str, source: SourceRef, target: (&str, &TargetRef)) -> Found {
    Found {
        region: region.to_string(),
        integration: Integration {
            integration_name: None,
            integration_arn: None,
            source_arn: arn.to_string(),
            target_arn: target.0.to_string(),
            status: "(not created)".into(),
            data_filter: None,
            errors: Vec::new(),
            kms_key_id: None,
            additional_encryption_context: Default::default(),
        },
        pair: Ok((source, target.1.clone())),
        candidate: true,
    }
}

/// `--candidates TARGET`: every Aurora cluster and every RDS DB instance (of an engine the
/// rules cover, not a member of a cluster), and with `--candidate-sources dynamodb` every
/// DynamoDB table, of the Regions that is the source of no integration, paired with `target`.
async fn candidates<C: Clients>(
    clients: &C,
    regions: &[String],
    cache: &Arc<ReadCache>,
    found: &[Found],
    wanted: &Candidates,
) -> Result<(Vec<Found>, Vec<String>), CallError> {
    let target = wanted.target.as_str();
    let target_ref = TargetRef::parse(target)
        .map_err(|e| CallError::new("candidates", Some("BadTarget"), e.to_string()))?;
    let (mut out, mut unverified) = (Vec::new(), Vec::new());
    if wanted.sources.contains(&CandidateSource::Dynamodb) {
        for region in regions {
            let src = clients.in_region(region);
            match crate::fetch::dynamodb::all_tables(&src).await {
                Ok(arns) => {
                    for arn in arns {
                        let integrated = found.iter().any(|f| f.integration.source_arn == arn);
                        if let (false, Ok(r)) = (integrated, SourceRef::parse(&arn)) {
                            out.push(candidate(region, &arn, r, (target, &target_ref)));
                        }
                    }
                }
                Err(e) => unverified.push(format!(
                    "candidate DynamoDB tables in {region} were not listed: {}",
                    e.describe()
                )),
            }
        }
    }
    if !wanted.sources.contains(&CandidateSource::Rds) {
        return Ok((out, unverified));
    }
    for region in regions {
        let rds = clients.in_region(region);
        let all = match cache
            .db_clusters
            .get(region, || source::all_clusters(&rds))
            .await
        {
            Ok(all) => all,
            Err(e) => {
                unverified.push(format!(
                    "candidates in {region} were not listed: {}",
                    e.describe()
                ));
                continue;
            }
        };
        let instances = match cache
            .db_instances
            .get(region, || source::all_instances(&rds))
            .await
        {
            Ok(all) => all,
            Err(e) => {
                unverified.push(format!(
                    "candidate DB instances in {region} were not listed: {}",
                    e.describe()
                ));
                Arc::new(Vec::new())
            }
        };
        let sources = all
            .iter()
            .filter_map(|c| Some((c.db_cluster_arn()?, c.engine()?)))
            .chain(
                instances
                    .iter()
                    .filter(|i| i.db_cluster_identifier().is_none())
                    .filter_map(|i| Some((i.db_instance_arn()?, i.engine()?))),
            );
        for (arn, engine) in sources {
            if !crate::model::SUPPORTED_ENGINES.contains(&engine)
                || found.iter().any(|f| f.integration.source_arn == arn)
            {
                continue;
            }
            let Ok(source_ref) = SourceRef::parse(arn) else {
                continue;
            };
            out.push(candidate(region, arn, source_ref, (target, &target_ref)));
        }
    }
    Ok((out, unverified))
}

/// One account to audit: its clients and Regions. `role` names it in messages (`None`: the
/// caller's own account).
pub struct Account<C> {
    pub role: Option<String>,
    pub clients: Arc<C>,
    pub regions: Vec<String>,
}

/// What discovery found in every account, before any pair is read: the integrations to
/// check (each with the index of its account), and what will not be checked.
pub struct Discovery<C> {
    accounts: Vec<(Account<C>, Arc<ReadCache>)>,
    pub found: Vec<(usize, Found)>,
    /// What is listed but not checked (a source the tool does not cover), and integrations of other
    /// accounts.
    pub notes: Vec<String>,
    /// What should have been checked and could not be (an account or list that was denied):
    /// the audit is incomplete, which is never a pass.
    pub unverified: Vec<String>,
}

/// A pair the tool does not cover (an RDS for Oracle instance, a Multi-AZ DB cluster): a note
/// that it is not checked, not a failure to verify.
pub fn out_of_scope(e: &crate::fetch::FetchError) -> bool {
    matches!(e, crate::fetch::FetchError::Unsupported(_))
}

/// How messages name an integration.
pub fn label(f: &Found) -> String {
    format!(
        "integration {} ({})",
        f.integration.integration_name.as_deref().unwrap_or("?"),
        f.integration.status
    )
}

/// Discover the integrations of every account's Regions (and, with `candidate_target`, the
/// clusters without one, paired with that target), the accounts concurrently, each with its
/// own read cache that the lists seed. The caller's own account failing is an error; another
/// account failing is `unverified`.
pub async fn discover_all<C: Clients + 'static>(
    accounts: Vec<Account<C>>,
    candidate_target: Option<&str>,
) -> Result<Discovery<C>, CallError> {
    discover_with(accounts, candidate_target.map(Candidates::rds)).await
}

/// [`discover_all`], with the candidates' target and the kinds of source to look for.
pub async fn discover_with<C: Clients + 'static>(
    accounts: Vec<Account<C>>,
    wanted: Option<Candidates>,
) -> Result<Discovery<C>, CallError> {
    let mut tasks = tokio::task::JoinSet::new();
    let mut with_cache = Vec::new();
    for (n, a) in accounts.into_iter().enumerate() {
        let cache = Arc::new(ReadCache::default());
        let (clients, regions, c) = (a.clients.clone(), a.regions.clone(), cache.clone());
        let target = wanted.clone();
        tasks.spawn(async move {
            let found = async {
                let (mut found, notes, mut unverified) =
                    discover(clients.clone(), &regions, &c).await?;
                if let Some(w) = &target {
                    let (more, missed) =
                        candidates(clients.as_ref(), &regions, &c, &found, w).await?;
                    found.extend(more);
                    unverified.extend(missed);
                }
                Ok::<_, CallError>((found, notes, unverified))
            };
            (n, found.await)
        });
        with_cache.push((a, cache));
    }
    let mut per_account: Vec<Option<Result<_, CallError>>> =
        (0..with_cache.len()).map(|_| None).collect();
    while let Some(done) = tasks.join_next().await {
        let (n, r) = done.expect("discovery does not panic");
        per_account[n] = Some(r);
    }
    let mut found_all = Discovery {
        accounts: Vec::new(),
        found: Vec::new(),
        notes: Vec::new(),
        unverified: Vec::new(),
    };
    let mut inbound = Vec::new();
    for (n, r) in per_account.into_iter().enumerate() {
        let role = with_cache[n].0.role.clone();
        match r.expect("every account was discovered") {
            Ok((found, elsewhere, unverified)) => {
                for f in found {
                    match &f.pair {
                        Ok(_) => found_all.found.push((n, f)),
                        Err(why) => found_all
                            .notes
                            .push(format!("{} is not checked: {why}", label(&f))),
                    }
                }
                inbound.extend(elsewhere);
                found_all.unverified.extend(unverified);
            }
            Err(e) => match role {
                Some(role) => found_all.unverified.push(format!(
                    "account of role {role} was not audited: {}",
                    e.describe()
                )),
                None => return Err(e),
            },
        }
    }
    // An inbound integration whose source account is audited too is checked there: no note.
    let audited = |arn: &str| {
        found_all
            .found
            .iter()
            .any(|(_, f)| f.integration.integration_arn.as_deref() == Some(arn))
    };
    // Two audited accounts may both see it (two targets): one note.
    let mut noted = std::collections::BTreeSet::new();
    let notes: Vec<String> = inbound
        .into_iter()
        .filter(|(arn, _)| !audited(arn) && noted.insert(arn.clone()))
        .map(|(_, note)| note)
        .collect();
    found_all.notes.extend(notes);
    found_all.accounts = with_cache;
    Ok(found_all)
}

/// One integration checked: what was found, its snapshot, and with `--tables` the Redshift
/// side.
pub struct Checked {
    pub found: Found,
    pub snapshot: Result<Snapshot, crate::fetch::FetchError>,
    pub tables: Option<crate::model::TableStates>,
}

impl<C: Clients + 'static> Discovery<C> {
    /// Read every pair (and with `tables` its Redshift-side state), at most `concurrency`
    /// at a time, every account at once; `sink` gets each in discovery order as it comes.
    pub async fn check(
        self,
        concurrency: usize,
        (tables, creator, window): (Option<&super::tables::TablesOptions>, Option<&str>, u64),
        mut sink: impl FnMut(Checked),
    ) {
        // One moment for the whole fleet: a Region's metrics are read once for all its pairs.
        let moment = super::health_moment(window);
        for (n, (account, cache)) in self.accounts.iter().enumerate() {
            let pairs: Vec<(SourceRef, TargetRef)> = self
                .found
                .iter()
                .filter(|(k, _)| *k == n)
                .filter_map(|(_, f)| f.pair.as_ref().ok().cloned())
                .collect();
            super::list_shared_regions(cache, account.clients.as_ref(), &pairs).await;
            // The candidates of the creator's account are simulated together.
            if let Some(c) = creator {
                let sources: Vec<String> = self
                    .found
                    .iter()
                    .filter(|(k, f)| *k == n && f.pair.is_ok() && creates(c, f))
                    .map(|(_, f)| f.integration.source_arn.clone())
                    .collect();
                let clients = account.clients.as_ref();
                super::simulate_together(cache, clients, c, &pairs, &sources).await;
            }
        }
        let accounts: Arc<Vec<(Arc<C>, Arc<ReadCache>)>> = Arc::new(
            self.accounts
                .iter()
                .map(|(a, c)| (a.clients.clone(), c.clone()))
                .collect(),
        );
        let found: Arc<Vec<(usize, Found)>> = Arc::new(self.found);
        let tables = tables.cloned().map(Arc::new);
        let creator = creator.map(str::to_string);
        let task = |i: usize| {
            let (accounts, found, tables) = (accounts.clone(), found.clone(), tables.clone());
            let creator = creator.clone();
            async move {
                let (n, f) = &found[i];
                let (clients, cache) = &accounts[*n];
                let (source, target) = f
                    .pair
                    .as_ref()
                    .expect("only checkable pairs are discovered");
                let extras = super::Extras {
                    creator: creator
                        .filter(|c| creates(c, f))
                        .map(|c| (c, "--creator".to_string())),
                    health: Some(moment),
                    ..Default::default()
                };
                let snap = super::read_pair(
                    clients.as_ref(),
                    Some(cache.clone()),
                    (source, target),
                    None,
                    &extras,
                )
                .await;
                let mut snap = snap;
                let states = match (&snap, tables.as_deref()) {
                    (Ok(s), Some(opts)) => {
                        let arn = f.integration.integration_arn.as_deref().unwrap_or_default();
                        Some(super::tables::read(clients.as_ref(), arn, s, opts).await)
                    }
                    _ => None,
                };
                // The Redshift side's table states are health facts too (ZH001, ZH002).
                if let (Ok(s), Some(states)) = (&mut snap, &states) {
                    if let Some(h) = &mut s.health {
                        h.tables = Some(states.clone());
                    }
                }
                (snap, states)
            }
        };
        let n = found.len();
        super::ordered::ordered(n, concurrency, task, |i, (snapshot, tables)| {
            sink(Checked {
                found: found[i].1.clone(),
                snapshot,
                tables,
            })
        })
        .await;
    }
}

/// `--creator` is simulated for the candidates of its own account: the integrations that
/// exist were created already.
fn creates(creator: &str, f: &Found) -> bool {
    f.candidate
        && crate::model::arn::account_of(creator)
            == crate::model::arn::account_of(&f.integration.source_arn)
}

/// `all`: every Region the rules' Region data lists as available, for any engine.
fn all_regions(rules: &RuleSet) -> Vec<String> {
    let mut out: Vec<String> = rules
        .rules
        .iter()
        .filter_map(|r| match &r.check {
            Check::RegionAvailable(r) => Some(r.available.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Where an audit looks: `--regions` (or `all`), other accounts' roles, `--candidates`.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub regions: Vec<String>,
    pub role_arns: Vec<String>,
    pub candidates: Option<String>,
    /// `--candidate-sources`: empty for Aurora and RDS only.
    pub candidate_sources: Vec<CandidateSource>,
}

/// The fleet an audit reads: each account's clients (built once, and kept across a watch's
/// rounds) and Regions, who is acting, and the candidates' target.
pub struct Fleet {
    accounts: Vec<Account<super::SdkClients>>,
    pub identity: Option<crate::model::Identity>,
    candidates: Option<Candidates>,
}

impl Clone for Account<super::SdkClients> {
    fn clone(&self) -> Self {
        Account {
            role: self.role.clone(),
            clients: self.clients.clone(),
            regions: self.regions.clone(),
        }
    }
}

/// Connect once: the configuration, the Regions, each account's clients (assumed roles keep
/// refreshing their credentials), and who is acting.
pub async fn connect_fleet(settings: &Settings, scope: &Scope) -> Result<Fleet, Error> {
    let sdk = super::session::connect(settings, &[]).await?;
    let regions: Vec<String> = match scope.regions.as_slice() {
        [one] if one == "all" => all_regions(&settings.rules),
        [] => match sdk.region() {
            Some(r) => vec![r.to_string()],
            None => {
                return Err(Error::Usage(
                    "audit needs a Region: --regions R1,R2 (or all), --region, AWS_REGION or the profile's".into(),
                ))
            }
        },
        list => list.to_vec(),
    };
    if !settings.quiet {
        for r in &regions {
            if let Some(warning) = settings.region_warning(r) {
                eprintln!("warning: {warning}");
            }
        }
    }
    // This account, then each other account through its role, each in its Regions.
    let mut roles: Vec<(Option<String>, Vec<String>)> = vec![(None, regions.clone())];
    for role in &scope.role_arns {
        roles.push((Some(role.clone()), regions.clone()));
    }
    for a in &settings.config.file.accounts {
        roles.push((
            Some(a.role_arn.clone()),
            a.regions.clone().unwrap_or_else(|| regions.clone()),
        ));
    }
    let mut accounts = Vec::new();
    for (role, regions) in roles {
        let account_sdk = match &role {
            Some(r) => super::assume_role(&sdk, r).await,
            None => sdk.clone(),
        };
        let run_sdk = account_sdk
            .to_builder()
            .retry_config(super::adaptive(&sdk))
            .build();
        accounts.push(Account {
            role,
            // Discovery lists the integrations whatever the rules.
            clients: Arc::new(
                super::SdkClients::new(run_sdk).wanting(
                    settings
                        .wanted()
                        .with(crate::model::reads::Optional::Integrations),
                ),
            ),
            regions,
        });
    }
    let identity = super::session::who_is_acting(&sdk).await;
    Ok(Fleet {
        accounts,
        identity,
        candidates: scope.candidates.as_ref().map(|t| Candidates {
            target: t.clone(),
            sources: if scope.candidate_sources.is_empty() {
                vec![CandidateSource::Rds]
            } else {
                scope.candidate_sources.clone()
            },
        }),
    })
}

impl Fleet {
    /// Discover the fleet as it is now: every account's integrations (and candidates), each
    /// account with a fresh read cache, through the clients connected once.
    pub async fn discover(&self) -> Result<Discovery<super::SdkClients>, Error> {
        discover_with(self.accounts.clone(), self.candidates.clone())
            .await
            .map_err(|e| Error::Aws(format!("cannot list the integrations: {}", e.describe())))
    }
}
