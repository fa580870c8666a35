//! The command line: the clap types, and per command a function that calls `crate::run`
//! and prints what it returns. Nothing here reads AWS, a database or an input file.

mod audit_cmd;
mod check_cmd;
mod deployment_cmd;
mod extras_cmd;
mod fix_cmd;
mod output;
mod reads;
mod rules_cmd;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

pub use crate::run::Error as CliError;

use crate::report::{FailOn, Format};

#[derive(Debug, Parser)]
#[command(
    name = "zetl-preflight",
    version = env!("ZETL_PREFLIGHT_VERSION"),
    about = "Preflight checks for zero-ETL integrations from Amazon Aurora and RDS into Amazon Redshift",
    long_about = "Checks every documented prerequisite of a zero-ETL integration from Aurora \
                  or RDS into Redshift against live AWS configuration (or a saved snapshot, \
                  a Terraform plan, a CloudFormation template), and \
                  reports what fails and how to fix it.\n\n\
                  Exit codes: 0 nothing fails or is unverified (warnings allowed); 1 something \
                  fails or could not be verified; 2 the tool could not do the job."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// AWS Region (default: the standard chain: AWS_REGION, the profile, ...).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Named profile from ~/.aws/config (default: AWS_PROFILE, then "default").
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Endpoint URL for every AWS service (AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>
    /// also work), e.g. a local emulator.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Output format [default: table]. `rules` and `rule` take table, json or markdown;
    /// `iam-policy` json or markdown; `init`, `data-query`, `completions` and `man` none.
    #[arg(long = "format", global = true, value_enum, value_name = "FORMAT")]
    pub format_given: Option<Format>,
    /// Config file (default: zetl-preflight.toml in this directory or a parent).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Seconds one attempt of one AWS call may take before it is abandoned (connecting gets
    /// at most 5 of them); the SDK's retries still apply [default: 20].
    #[arg(long, global = true, value_name = "SECONDS", value_parser = seconds, allow_negative_numbers = true)]
    pub timeout: Option<u64>,
    /// Seconds for connecting to the source database, and for each SQL statement
    /// (`check --data`) [default: 20].
    #[arg(long, global = true, value_name = "SECONDS", value_parser = seconds, allow_negative_numbers = true)]
    pub sql_timeout: Option<u64>,
    /// Seconds `audit --tables` waits for one Redshift Data API statement to finish
    /// [default: 60].
    #[arg(long, global = true, value_name = "SECONDS", value_parser = seconds, allow_negative_numbers = true)]
    pub data_api_wait: Option<u64>,
    /// Log to stderr: -v info, -vv debug, -vvv trace (RUST_LOG overrides).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Print only the summary line and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a source/target pair (live, or from a saved snapshot).
    Check(Box<CheckArgs>),
    /// Find every zero-ETL integration in the Regions and check each one, with its state.
    Audit(Box<AuditArgs>),
    /// List every rule: code, name, severity, what it applies to.
    Rules(RulesArgs),
    /// Print one rule's full documentation.
    Rule(RuleArgs),
    /// Write a commented starter zetl-preflight.toml in this directory.
    Init {
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print the least-privilege IAM policy for `check` (or, with --fix, for fixing too).
    IamPolicy {
        /// Include the permissions `check --fix` needs.
        #[arg(long)]
        fix: bool,
        /// Include what `check --data` needs for secrets and IAM database authentication.
        #[arg(long)]
        data: bool,
    },
    /// Print the read-only catalog query for a source engine, to run with your own client
    /// where the tool cannot connect (or for RDS for Oracle); `check --data-from FILE`
    /// evaluates its saved output.
    DataQuery {
        /// The source's engine family: mysql (Aurora MySQL, RDS for MySQL), postgres (Aurora
        /// PostgreSQL, RDS for PostgreSQL) or oracle (RDS for Oracle).
        #[arg(long, value_enum)]
        engine: QueryEngine,
    },
    /// Check the bundled demo snapshot: a fresh Aurora MySQL and Redshift setup on default
    /// parameter groups (no AWS account needed). Takes the report options of `check`.
    Demo(DemoArgs),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff), or with --dir write one page per command there
    /// (zetl-preflight.1, zetl-preflight-check.1, ...).
    Man {
        /// Write the pages into this directory instead of printing the main one.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
}

/// `data-query --engine`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum QueryEngine {
    Mysql,
    Postgres,
    Oracle,
}

impl QueryEngine {
    fn dialect(self) -> crate::model::Dialect {
        match self {
            QueryEngine::Mysql => crate::model::Dialect::Mysql,
            QueryEngine::Postgres => crate::model::Dialect::Postgres,
            QueryEngine::Oracle => crate::model::Dialect::Oracle,
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub window: WindowArgs,
    #[command(flatten)]
    pub tables: TablesArgs,
    /// The source: an Aurora DB cluster, or an RDS for MySQL, PostgreSQL or Oracle DB instance, by
    /// identifier or ARN.
    #[arg(long, value_name = "CLUSTER")]
    pub source: Option<String>,
    /// The Redshift target: provisioned cluster identifier, Serverless workgroup name,
    /// or a namespace, cluster or workgroup ARN.
    #[arg(long, value_name = "TARGET")]
    pub target: Option<String>,
    /// Evaluate a saved snapshot instead of calling AWS; repeat it for a fleet, or name a
    /// folder of snapshots (`audit --save-snapshot DIR`).
    #[arg(long, value_name = "FILE|DIR", conflicts_with = "save_snapshot")]
    pub snapshot: Vec<PathBuf>,
    /// Write the fetched configuration to FILE (versioned JSON) before evaluating it; an
    /// existing folder gets one file per pair.
    #[arg(long, value_name = "FILE|DIR")]
    pub save_snapshot: Option<PathBuf>,
    /// Check a Terraform plan before it is applied: the output of `terraform show -json
    /// PLANFILE`. Each planned aws_rds_integration is a pair; without one, --source and
    /// --target name the resources by address.
    #[arg(long, value_name = "PLAN.json", conflicts_with_all = ["snapshot", "cloudformation"])]
    pub terraform_plan: Option<PathBuf>,
    /// Check a CloudFormation template (YAML with its short-form tags, or JSON) before it is
    /// deployed. Each AWS::RDS::Integration is a pair; without one, --source and --target
    /// name the resources by logical id.
    #[arg(long, value_name = "TEMPLATE", conflicts_with = "snapshot")]
    pub cloudformation: Option<PathBuf>,
    /// The template's parameter values (with --cloudformation): the AWS CLI's
    /// `[{"ParameterKey": …, "ParameterValue": …}]` file, or a `{"Key": "Value"}` map.
    #[arg(long, value_name = "FILE", requires = "cloudformation")]
    pub parameters: Option<PathBuf>,
    /// With a plan or template: read from AWS what no plan holds (ends outside the plan, the
    /// account's integrations, engine defaults). On by default when credentials are given in
    /// the environment or by --profile.
    #[arg(long, conflicts_with = "offline")]
    pub live: bool,
    /// With a plan or template: never call AWS; what a plan cannot tell stays unverified.
    #[arg(long)]
    pub offline: bool,
    #[command(flatten)]
    pub report: ReportArgs,
    /// How many pairs are read at once (a config file's pairs); each distinct fact is read
    /// once per run whatever the number.
    #[arg(long, value_name = "N", default_value_t = crate::run::DEFAULT_CONCURRENCY, value_parser = count, allow_negative_numbers = true)]
    pub concurrency: usize,
    #[command(flatten)]
    pub rules: RulesSource,
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub key: KeyArgs,
    #[command(flatten)]
    pub fix: FixArgs,
}

/// How the report is shown and when the run fails: shared by `check` and `audit`.
#[derive(Debug, Clone, Args)]
pub struct ReportArgs {
    /// List passing and skipped checks too (table format).
    #[arg(long)]
    pub show_passes: bool,
    /// Exit 1 on findings at this level or above.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<FailOn>,
    /// Unverified checks (status `error`) do not fail the run.
    #[arg(long)]
    pub allow_unverified: bool,
    /// Write the report to FILE; one summary line per pair still goes to stderr.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub window: WindowArgs,
    /// Regions to search, comma-separated, or `all` (every Region the rules' Region data
    /// lists as available) [default: the Region of --region or the standard chain].
    #[arg(long, value_name = "REGION,…", value_delimiter = ',')]
    pub regions: Vec<String>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// How many integrations are read at once.
    #[arg(long, value_name = "N", default_value_t = crate::run::DEFAULT_CONCURRENCY, value_parser = count, allow_negative_numbers = true)]
    pub concurrency: usize,
    /// Also check every Aurora cluster and every RDS DB instance (MySQL, PostgreSQL, Oracle;
    /// not a cluster's own instances) of the Regions that is the source of no integration
    /// yet, against this target (name or namespace ARN).
    #[arg(long, value_name = "TARGET")]
    pub candidates: Option<String>,
    /// With --candidates: the kinds of source to look for, comma-separated: `rds` (Aurora
    /// clusters and RDS DB instances, the default) and `dynamodb` (every DynamoDB table).
    #[arg(
        long,
        value_name = "KIND,…",
        value_delimiter = ',',
        requires = "candidates",
        value_enum
    )]
    pub candidate_sources: Vec<crate::run::audit::CandidateSource>,
    /// With --candidates: the role or user that will create their integrations; its
    /// permissions are simulated for the candidates of its account (ZW001, ZW002, ZK003).
    #[arg(long, value_name = "ARN", requires = "candidates")]
    pub creator: Option<String>,
    /// Also audit the account behind this role (repeatable); the config file's `[[account]]`
    /// entries add more, each with its own Regions.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Vec<String>,
    #[command(flatten)]
    pub tables: TablesArgs,
    /// Save each integration's snapshot into the folder DIR (made when missing), one file per
    /// integration, so the fleet can be checked and rendered again offline
    /// (`check --snapshot DIR`).
    #[arg(long, value_name = "DIR")]
    pub save_snapshot: Option<PathBuf>,
    /// Audit again every SECONDS, printing one line per change (an integration appears,
    /// goes, changes status; a rule changes status); with -o FILE the report is rewritten
    /// each round. SIGINT or SIGTERM ends it between rounds; the exit code is the last
    /// round's.
    #[arg(long, value_name = "SECONDS", value_parser = watch_seconds, allow_negative_numbers = true)]
    pub watch: Option<u64>,
    /// With --watch: stop after N rounds.
    #[arg(long, value_name = "N", requires = "watch", value_parser = rounds, allow_negative_numbers = true)]
    pub count: Option<u64>,
    #[command(flatten)]
    pub rules: RulesSource,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Data checks")]
#[command(group(clap::ArgGroup::new("data_source").args(["data", "data_from"])))]
pub struct DataArgs {
    /// Also check the source's tables: connect read-only to the source database and read its
    /// catalog (keys, types, names, counts; never rows).
    #[arg(long)]
    pub data: bool,
    /// mysql://USER[:PASSWORD]@HOST:PORT/ or postgres://USER[:PASSWORD]@HOST:PORT/DB
    /// [default: the writer endpoint and master user]. The password, in this order: the
    /// URL's, --db-secret, --iam-auth, the cluster's RDS-managed master user secret,
    /// MYSQL_PWD or PGPASSWORD. `?ssl-mode=disabled` / `?sslmode=disable` turn TLS off for a
    /// local server.
    #[arg(
        long,
        value_name = "URL",
        requires = "data",
        env = "ZETL_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// The data filter that decides which tables are checked, in CreateIntegration's syntax
    /// ('include: shop.*, exclude: shop.tmp_*') [default: the existing integration's, else
    /// every table].
    #[arg(long, value_name = "FILTER", requires = "data_source")]
    pub data_filter: Option<String>,
    /// Check the source's tables from the saved output of `zetl-preflight data-query` (CSV
    /// from psql or SQL*Plus, or `mysql --batch` text) instead of connecting; repeat it for
    /// each PostgreSQL database. The only way for RDS for Oracle.
    #[arg(long, value_name = "FILE", conflicts_with = "data")]
    pub data_from: Vec<PathBuf>,
    /// PEM file of certificate authorities to trust besides the system's (the RDS CA bundle).
    #[arg(long, value_name = "FILE", requires = "data")]
    pub db_ca: Option<PathBuf>,
    /// Secrets Manager secret (ARN or name) with the database `username` and `password`
    /// [default, when the URL has no password: the cluster's RDS-managed master user secret].
    #[arg(
        long,
        value_name = "ARN",
        requires = "data",
        conflicts_with = "iam_auth"
    )]
    pub db_secret: Option<String>,
    /// Log in with an IAM database authentication token signed for --db-user.
    #[arg(long, requires = "data")]
    pub iam_auth: bool,
    /// The database user (default: the URL's, else the cluster's master user).
    #[arg(long, value_name = "NAME", requires = "data")]
    pub db_user: Option<String>,
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Encryption")]
pub struct KeyArgs {
    /// The customer managed KMS key the integration will use (key id, key ARN, alias or
    /// alias ARN) [default: the existing integration's KMSKeyId, else the AWS owned key,
    /// which needs nothing].
    #[arg(long, value_name = "KEY")]
    pub kms_key: Option<String>,
    /// A pair of the integration's additional encryption context (repeat it; at most 6).
    #[arg(long, value_name = "KEY=VALUE", requires = "kms_key", value_parser = context_pair)]
    pub encryption_context: Vec<(String, String)>,
    /// The IAM role or user that will call CreateIntegration (a deploy or CI role); its
    /// permissions are simulated [default: the acting principal, an assumed role mapped to
    /// its role].
    #[arg(long, value_name = "ARN")]
    pub creator: Option<String>,
}

/// `KEY=VALUE`.
fn context_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("'{s}' is not KEY=VALUE")),
    }
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Fixing")]
pub struct FixArgs {
    /// Plan corrections for the failing findings, show them, and apply them with consent.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: show the plan and change nothing.
    #[arg(long, requires = "fix")]
    pub dry_run: bool,
    /// With --fix: apply without asking (required when stdin is not a terminal).
    #[arg(long, short = 'y', requires = "fix")]
    pub yes: bool,
    /// With --fix: what the alarms it creates (ZH004, ZH005) notify, e.g. an SNS topic ARN
    /// (repeatable) [default: none; the plan says so].
    #[arg(long, value_name = "ARN", requires = "fix")]
    pub alarm_action: Vec<String>,
    /// With --fix: also apply unsafe actions (reboots, parameter-group swaps, static
    /// parameters, changes other consumers feel).
    #[arg(long, requires = "fix")]
    pub unsafe_fixes: bool,
    /// With --fix: change live a resource that code owns (a CloudFormation stack's tag, or a
    /// tag the config's managed_tags names); without it those steps stay manual.
    #[arg(long, requires = "fix")]
    pub allow_drift: bool,
    /// With --fix: append a JSON line per change to FILE [default: zetl-preflight-journal.jsonl].
    #[arg(long, value_name = "FILE", requires = "fix")]
    pub journal: Option<PathBuf>,
    /// With --fix: how long to wait for a rebooted or modified resource to be available.
    #[arg(long, value_name = "SECONDS", default_value_t = 1200, requires = "fix", value_parser = wait_seconds, allow_negative_numbers = true)]
    pub wait_timeout: u64,
}

#[derive(Debug, Args)]
pub struct RulesSource {
    /// Layer every *.toml in DIR over the built-in rules (same code replaces, new code adds).
    #[arg(long, value_name = "DIR")]
    pub rules_dir: Option<PathBuf>,
    /// Run only these rules: codes (ZM001), code prefixes (ZM, ZR00) or names, comma-separated
    /// (replaces the config file's `select`). Only what they need is read.
    #[arg(long, value_name = "RULE,…", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Leave out these rules: codes, code prefixes or names, comma-separated (replaces the
    /// config file's `ignore`).
    #[arg(long, value_name = "RULE,…", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// The most lag an existing integration may have, in seconds (ZH001; the config file's
    /// `max_lag`) [default: 900].
    #[arg(long, value_name = "SECONDS", value_parser = lag_seconds, allow_negative_numbers = true)]
    pub max_lag: Option<u64>,
}

/// `--tables`: reading an existing integration on the Redshift side.
#[derive(Debug, Args, Clone)]
pub struct TablesArgs {
    /// Also read each existing integration's state and failed tables on the Redshift side
    /// (SVV_INTEGRATION, SVV_INTEGRATION_TABLE_STATE) through the Redshift Data API.
    #[arg(long)]
    pub tables: bool,
    /// With --tables: the database to connect to on the target.
    #[arg(long, value_name = "NAME", default_value = "dev", requires = "tables")]
    pub tables_database: String,
    /// With --tables: the database user (provisioned clusters, temporary credentials).
    #[arg(long, value_name = "NAME", requires = "tables")]
    pub tables_db_user: Option<String>,
    /// With --tables: a Secrets Manager secret to log in with instead.
    #[arg(long, value_name = "ARN", requires = "tables")]
    pub tables_secret: Option<String>,
}

impl TablesArgs {
    /// The options `run` reads with, when `--tables` was given.
    pub fn options(
        &self,
        settings: &crate::run::Settings,
    ) -> Option<crate::run::tables::TablesOptions> {
        self.tables.then(|| {
            crate::run::tables::TablesOptions::new(
                settings,
                self.tables_database.clone(),
                self.tables_db_user.clone(),
                self.tables_secret.clone(),
            )
        })
    }
}

/// How far back an existing integration's metrics are read.
#[derive(Debug, Args, Clone, Copy)]
pub struct WindowArgs {
    /// Read an existing integration's metrics over the last SECONDS (ZH001-ZH003).
    #[arg(long, value_name = "SECONDS", default_value_t = crate::run::DEFAULT_WINDOW, value_parser = window_seconds, allow_negative_numbers = true)]
    pub window: u64,
}

/// `--watch`: from 10 seconds to a day between rounds.
fn watch_seconds(text: &str) -> Result<u64, String> {
    bounded_number(text, 10, 86_400, "a whole number of seconds")
}

/// `--count`: at least one round.
fn rounds(text: &str) -> Result<u64, String> {
    bounded_number(text, 1, 1_000_000, "a whole number")
}

/// `--max-lag`: a whole number of seconds from 1 to 432000 (five days).
fn lag_seconds(text: &str) -> Result<u64, String> {
    bounded_number(text, 1, 432_000, "a whole number of seconds")
}

/// `--window`: from one minute (the metrics' period) to a day.
fn window_seconds(text: &str) -> Result<u64, String> {
    bounded_number(text, 60, 86_400, "a whole number of seconds")
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[command(flatten)]
    pub rules: RulesSource,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub rules: RulesSource,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// Rule code (ZM001) or name (aurora-enhanced-binlog).
    #[arg(value_name = "CODE|NAME")]
    pub key: String,
    #[command(flatten)]
    pub rules: RulesSource,
}

/// Run the parsed command. `Ok(true)` means findings that fail the run (exit 1).
pub fn run(cli: Cli) -> Result<bool, CliError> {
    match cli.command {
        Command::Check(args) => check_cmd::run(&cli.global, &args),
        Command::Audit(args) => audit_cmd::run(&cli.global, &args),
        Command::Rules(args) => rules_cmd::list(&cli.global, &args.rules).map(|()| false),
        Command::Rule(args) => rules_cmd::show(&cli.global, &args.rules, &args.key).map(|()| false),
        Command::Init { force } => {
            cli.global.no_format("init")?;
            extras_cmd::init(force).map(|()| false)
        }
        Command::IamPolicy { fix, data } => {
            extras_cmd::iam_policy(cli.global.format_given, fix, data).map(|()| false)
        }
        Command::DataQuery { engine } => {
            cli.global.no_format("data-query")?;
            print!("{}", crate::run::data_from::query(engine.dialect()));
            Ok(false)
        }
        Command::Completions { shell } => {
            cli.global.no_format("completions")?;
            extras_cmd::completions(shell);
            Ok(false)
        }
        Command::Demo(args) => check_cmd::demo(&cli.global, &args),
        Command::Man { dir } => {
            cli.global.no_format("man")?;
            extras_cmd::man(dir.as_deref()).map(|()| false)
        }
    }
}

/// Parse, run, and map the result to the documented exit codes.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.global.verbose, cli.global.quiet);
    match run(cli) {
        Ok(false) => ExitCode::SUCCESS,
        Ok(true) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn init_tracing(verbose: u8, quiet: bool) {
    use tracing_subscriber::EnvFilter;
    // Normal output carries no log lines: notes go into the report, or one `note:` line.
    let level = match verbose {
        _ if quiet => "off",
        0 => "zetl_preflight=error",
        1 => "zetl_preflight=info",
        2 => "zetl_preflight=debug,aws_config=debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(level));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()) && !no_color())
        .with_target(false)
        .try_init();
}

/// `NO_COLOR` set to anything non-empty turns colour off (https://no-color.org).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// A number of seconds for a timeout, checked as the config file's are.
fn seconds(text: &str) -> Result<u64, String> {
    let n = text
        .trim()
        .parse::<i128>()
        .map_err(|_| crate::run::settings::timeout_secs(-1).unwrap_err())?;
    crate::run::settings::timeout_secs(n)
}

/// The wait after a fix: a whole number of seconds from 1 to 86400.
fn wait_seconds(text: &str) -> Result<u64, String> {
    bounded_number(text, 1, 86_400, "a whole number of seconds")
}

/// How many at once: a whole number from 1 to 1024.
fn count(text: &str) -> Result<usize, String> {
    bounded_number(text, 1, 1024, "a whole number").map(|n| n as usize)
}

fn bounded_number(text: &str, min: u64, max: u64, what: &str) -> Result<u64, String> {
    match text.trim().parse::<i128>() {
        Ok(n) if n >= i128::from(min) && n <= i128::from(max) => Ok(n as u64),
        _ => Err(format!("must be {what} from {min} to {max}")),
    }
}

impl GlobalArgs {
    /// `--format`, or the table.
    pub fn format(&self) -> Format {
        self.format_given.unwrap_or(Format::Table)
    }

    /// Refuse `--format` for a command that prints no report.
    fn no_format(&self, command: &str) -> Result<(), CliError> {
        match self.format_given {
            Some(f) => Err(CliError::Usage(format!(
                "--format {} means nothing to `{command}`, which writes no report; leave it out",
                format!("{f:?}").to_lowercase()
            ))),
            None => Ok(()),
        }
    }

    /// What the command line says about the settings `run::Settings` resolves.
    pub fn given(&self, rules: &RulesSource) -> crate::run::Given {
        crate::run::Given {
            region: self.region.clone(),
            profile: self.profile.clone(),
            endpoint_url: self.endpoint_url.clone(),
            config: self.config.clone(),
            timeout: self.timeout,
            sql_timeout: self.sql_timeout,
            data_api_wait: self.data_api_wait,
            rules_dir: rules.rules_dir.clone(),
            select: rules.select.clone(),
            ignore: rules.ignore.clone(),
            max_lag: rules.max_lag,
            quiet: self.quiet,
        }
    }

    /// Resolve the settings once: command line over config file over environment.
    pub fn settings(&self, rules: &RulesSource) -> Result<crate::run::Settings, CliError> {
        crate::run::Settings::load(&self.given(rules))
    }
}

/// `--kms-key` and `--encryption-context` name the key of the pair given by `--source` and
/// `--target`; the config file's pairs name theirs with `kms_key`.
fn with_key(
    pairs: &mut [crate::config::file::Pair],
    args: &KeyArgs,
    source_given: bool,
) -> Result<(), CliError> {
    let Some(key) = &args.kms_key else {
        return Ok(());
    };
    if !source_given {
        return Err(CliError::Usage(format!(
            "--kms-key names one integration's key, but the config file lists {} pairs; set kms_key in each [[pair]] there, or pass --source and --target",
            pairs.len()
        )));
    }
    for p in pairs {
        p.kms_key = Some(key.clone());
        p.key_from_flag = true;
        p.encryption_context = args.encryption_context.iter().cloned().collect();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::settings as s;

    /// The command line's help states each default, and it is the default used.
    #[test]
    fn help_states_the_defaults_used() {
        use clap::CommandFactory;
        let help = Cli::command().render_long_help().to_string();
        let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
        for (flag, default) in [
            ("--timeout", s::DEFAULT_TIMEOUT_SECS),
            ("--sql-timeout", s::DEFAULT_SQL_TIMEOUT_SECS),
            ("--data-api-wait", s::DEFAULT_DATA_API_WAIT_SECS),
        ] {
            let at = flat
                .find(&format!("{flag} <SECONDS>"))
                .unwrap_or_else(|| panic!("{flag} is not in --help"));
            let text = &flat[at..];
            let end = text.find("[default: ").expect("a default") + 10;
            let shown: u64 = text[end..].split(']').next().unwrap().parse().unwrap();
            assert_eq!(shown, default, "{flag}");
        }
    }
}
