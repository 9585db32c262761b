import { createRequire } from "node:module";
import { Command, InvalidArgumentError, Option } from "commander";
import { type SyncKind, alertStatuses, budgetPeriods, budgetScopes, deploymentStatuses, deploymentTypes, drPlanTypes, providerTypes, recommendationStatuses, severityLevels, syncKinds } from "@cloudsync/db";
import { type Env, loadEnv } from "../env.ts";
import { type Logger, createLogger } from "../logger.ts";

/**
 * The command tree. Building it reads nothing and opens nothing: every action loads its module
 * and the environment only when it runs, so `--help` (answered by commander before any action)
 * touches no database, Redis or network, and a test can walk `program.commands` to prove it.
 */
export interface BuiltProgram {
  program: Command;
  /** The exit code the action that ran returned (0 when none ran, e.g. for `--help`). */
  exitCode(): number;
}

const rootHelp = `
Examples:
  cloudsync demo                                   emulated AWS, Azure and GCP into the embedded database
  cloudsync migrate                                apply the migrations to DATABASE_URL
  cloudsync org add --name "Acme" --slug acme --owner-email ops@acme.example
  cloudsync provider add --org acme --owner-email ops@acme.example --credentials aws.json
  cloudsync sync --kind costs
  cloudsync worker --clouds aws
  cloudsync alert list --org acme --owner-email ops@acme.example
  cloudsync resource show web-1 --org acme --owner-email ops@acme.example --json
  cloudsync retention apply --dry-run

Environment: DATABASE_URL (unset: embedded PGlite under .data/), CLOUDSYNC_ENCRYPTION_KEYS
(keyid:base64key,… — required to store or use credentials), REDIS_URL, CLOUDSYNC_REDIS_CLUSTER,
CLOUDSYNC_REDIS_STARTUP_TIMEOUT_SECONDS, CLOUDSYNC_DB_ROLE, LOG_LEVEL; see the README.

Exit codes: 0 done, 1 failed (the message says why), 2 usage (a wrong command, option,
environment variable or input file; nothing was done).`;

function example(...lines: string[]): string {
  return `\nExample${lines.length > 1 ? "s" : ""}:\n${lines.map((l) => `  ${l}`).join("\n")}`;
}

function wholeNumber(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
    }
    return n;
  };
}

/**
 * Options a command cannot run without. Checked before the action but after commander's own
 * checks, so a mistyped option is reported with its "Did you mean …?" first (commander's
 * `requiredOption` would report the missing one instead and hide the typo).
 */
function requireOptions(command: Command): void {
  const missing = command.options.filter((o) => o.description.endsWith("(required)") && command.getOptionValue(o.attributeName()) === undefined);
  if (missing.length > 0) {
    command.error(`error: ${commandPath(command).replace(/^cloudsync /, "")} needs ${missing.map((o) => o.flags).join(", ")}`, { exitCode: 2, code: "cloudsync.missingOption" });
  }
}

/** The options every organization-scoped command takes: who (`--org`, `--owner-email`) and how to print. */
function orgScoped(command: Command): Command {
  return command
    .option("--org <id|slug>", "the organization's id (uuid), or its slug together with --owner-email (required)")
    .option("--owner-email <email>", "with a slug: the owner's email, which must match")
    .option("--json", "print JSON for scripts instead of a table", false);
}

type OrgOpts = { org: string; ownerEmail?: string; json: boolean };
const ORG = "--org acme --owner-email ops@acme.example";

/** The words that lead to a command, e.g. `cloudsync keys rotate`. */
function commandPath(command: Command): string {
  const path: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) path.unshift(c.name());
  return path.join(" ");
}

/**
 * commander's Command, with errors that always name a way forward: when a mistyped command or
 * option is too far from every valid one for commander's "Did you mean …?", the valid ones are
 * listed instead.
 */
class CloudsyncCommand extends Command {
  override createCommand(name?: string): Command {
    return new CloudsyncCommand(name);
  }

  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    let text = message;
    if (!text.includes("Did you mean")) {
      if (errorOptions?.code === "commander.unknownCommand") {
        text += `\n(\`${commandPath(this)}\` takes: ${this.commands.map((c) => c.name()).join(", ")})`;
      } else if (errorOptions?.code === "commander.unknownOption") {
        const flags = this.options.map((o) => o.long).filter((f): f is string => !!f);
        text += flags.length ? `\n(\`${commandPath(this)}\` takes: ${flags.join(", ")})` : `\n(\`${commandPath(this)}\` takes no options)`;
      }
    }
    return super.error(text, errorOptions);
  }
}

function version(): string {
  // package.json sits two levels above both src/cli and dist/cli, and ships in the image.
  return (createRequire(import.meta.url)("../../package.json") as { version: string }).version;
}

export function buildProgram(): BuiltProgram {
  let code = 0;
  /** Runs an action with the validated environment and a logger; its result is the exit code. */
  const run =
    <A extends unknown[]>(action: (ctx: { env: Env; logger: Logger }, ...args: A) => Promise<number>, options: { verboseLogs?: boolean } = {}) =>
    async (...args: A) => {
      const env = loadEnv();
      // Logs go to stderr as JSON; stdout keeps the tables. Only the worker logs at info.
      const level = options.verboseLogs || env.LOG_LEVEL !== "info" ? env.LOG_LEVEL : "warn";
      code = await action({ env, logger: createLogger({ level, destination: process.stderr }) }, ...args);
    };

  const program = new CloudsyncCommand("cloudsync")
    .description("a PostgreSQL picture of your multi-cloud estate")
    .version(version(), "-V, --version", "print the version and exit")
    .helpOption("-h, --help", "print this help and exit")
    .showSuggestionAfterError(true)
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .hook("preAction", (_root, command) => requireOptions(command))
    .addHelpText("after", rootHelp);

  program
    .command("demo")
    .description("start AWS, Azure and GCP emulators, sync them into the database (migrating it), change the estate, sync again")
    .option("--size <n>", "emulated resources per cloud", wholeNumber("--size", 10, 1_000_000), 300)
    .option("--seed <n>", "seed of the emulated estates", wholeNumber("--seed", -(2 ** 31), 2 ** 31 - 1), 2026)
    .addHelpText("after", example("cloudsync demo --size 1000"))
    .action(
      run(async ({ env, logger }, opts: { size: number; seed: number }) => {
        const { runDemo } = await import("./demo.ts");
        return runDemo(env, logger, { size: opts.size, seed: opts.seed }, (line) => console.log(line));
      }),
    );

  program
    .command("migrate")
    .description("apply the database migrations (safe to repeat; concurrent runs queue on a lock)")
    .addHelpText("after", example("DATABASE_URL=postgres://owner@db:5432/cloudsync cloudsync migrate"))
    .action(
      run(async ({ env }) => {
        const { runMigrate } = await import("./database.ts");
        return runMigrate(env);
      }),
    );

  const org = program
    .command("org")
    .description("organizations (tenants)")
    .addHelpText("after", example('cloudsync org add --name "Acme Weddings" --slug acme --owner-email ops@acme.example'));
  org
    .command("add")
    .description("create an organization with its owner, all or nothing; a second run with the same owner reports it and exits 0")
    .option("--name <name>", "display name (required)")
    .option("--slug <slug>", "unique handle: lower-case letters, digits and hyphens (required)")
    .option("--owner-email <email>", "the owner's email address, one organization per address (required)")
    .addHelpText("after", example('cloudsync org add --name "Acme Weddings" --slug acme --owner-email ops@acme.example'))
    .action(
      run(async ({ env }, opts: { name: string; slug: string; ownerEmail: string }) => {
        const { orgAdd } = await import("./admin.ts");
        return orgAdd(env, opts);
      }),
    );

  const provider = program
    .command("provider")
    .description("cloud accounts and their sealed credentials")
    .addHelpText("after", example("cloudsync provider add --org 0b1f6f6e-6c1e-4d2b-9a51-7b8a1c2d3e4f --credentials aws.json", "cloudsync provider list"));
  provider
    .command("add")
    .description("register (or re-key) an organization's provider for one cloud; credentials are sealed before they are stored")
    .option("--org <id|slug>", "the organization's id (uuid), or its slug together with --owner-email (required)")
    .option("--owner-email <email>", "with a slug: the owner's email, which must match")
    .option("--credentials <file|-|env:VAR>", "credentials JSON: a file, - for standard input, or env:VAR (required)")
    .option("--name <name>", "display name (default: the cloud and how many accounts)")
    .addOption(new Option("--type <type>", "provider type").choices(providerTypes))
    .option("--regions <a,b>", "comma-separated regions to sync (default: all)")
    .addHelpText(
      "after",
      example(
        "cloudsync provider add --org 0b1f6f6e-6c1e-4d2b-9a51-7b8a1c2d3e4f --credentials aws.json",
        "cloudsync provider add --org acme --owner-email ops@acme.example --credentials env:GCP_CREDENTIALS",
        'cloudsync provider add --org acme --owner-email ops@acme.example --credentials linode.json   # {"cloud":"linode","accounts":[{"account":"<euuid>","token":"<PAT>"}]}',
        // Vultr: {"cloud":"vultr","accounts":[{"account":"main","apiKey":"…"}]}, one key per (sub-)account.
        "cloudsync provider add --org acme --owner-email ops@acme.example --credentials vultr.json",
      ),
    )
    .action(
      run(async ({ env }, opts: { org: string; ownerEmail?: string; credentials: string; name?: string; type?: string; regions?: string }) => {
        const { providerAdd } = await import("./admin.ts");
        return providerAdd(env, opts);
      }),
    );
  provider
    .command("list")
    .description("list the providers (without their credentials), with the accounts each discovered under its organization")
    .option("--json", "print JSON for scripts (every discovered account with its state) instead of a table", false)
    .addHelpText("after", example("cloudsync provider list", "cloudsync provider list --json"))
    .action(
      run(async ({ env }, opts: { json: boolean }) => {
        const { providerList } = await import("./admin.ts");
        return providerList(env, opts);
      }),
    );

  const budget = program
    .command("budget")
    .description("spending limits (cost_budgets) and the thresholds that raise alerts")
    .addHelpText("after", example(`cloudsync budget add ${ORG} --name "Monthly cap" --amount 5000 --period monthly`, `cloudsync budget list ${ORG}`));
  orgScoped(budget.command("add").description("add a budget; names are unique within the organization"))
    .option("--name <name>", "display name, 1 to 200 characters (required)")
    .option("--amount <amount>", "the limit, e.g. 5000 or 5000.50 (required)")
    .addOption(new Option("--period <period>", "the period the amount covers (required)").choices(budgetPeriods))
    .addOption(new Option("--scope <scope>", "what the budget covers").choices(budgetScopes).default("organization"))
    .option("--filters <json>", 'which part of the estate, for a scope other than organization, e.g. \'{"provider_id":"…"}\'')
    .option("--currency <code>", "ISO 4217 currency", "USD")
    .option("--thresholds <list>", "alert at these percentages of the amount (default 50,75,90,100)")
    .addHelpText("after", example(`cloudsync budget add ${ORG} --name "Monthly cap" --amount 5000 --period monthly --thresholds 80,100`))
    .action(
      run(async ({ env }, opts: OrgOpts & { name: string; amount: string; period: string; scope: string; filters?: string; currency: string; thresholds?: string }) => {
        const { budgetAdd } = await import("./budget.ts");
        return budgetAdd(env, opts);
      }),
    );
  orgScoped(budget.command("list").description("list the organization's budgets with their spend"))
    .addHelpText("after", example(`cloudsync budget list ${ORG} --json`))
    .action(
      run(async ({ env }, opts: OrgOpts) => {
        const { budgetList } = await import("./budget.ts");
        return budgetList(env, opts);
      }),
    );
  orgScoped(budget.command("remove").description("remove a budget by id or name").argument("<id|name>", "the budget's id or name"))
    .addHelpText("after", example(`cloudsync budget remove "Monthly cap" ${ORG}`))
    .action(
      run(async ({ env }, ref: string, opts: OrgOpts) => {
        const { budgetRemove } = await import("./budget.ts");
        return budgetRemove(env, ref, opts);
      }),
    );

  const alert = program
    .command("alert")
    .description("infrastructure alerts: list, acknowledge, resolve, and their deliveries")
    .addHelpText("after", example(`cloudsync alert list ${ORG}`, `cloudsync alert ack 0b1f6f6e-6c1e-4d2b-9a51-7b8a1c2d3e4f ${ORG}`));
  orgScoped(alert.command("list").description("list alerts, worst first"))
    .addOption(new Option("--status <status>", "open = active or acknowledged").choices(["open", "all", ...alertStatuses]).default("open"))
    .addOption(new Option("--severity <level>", "only this severity").choices(severityLevels))
    .option("--limit <n>", "at most this many", wholeNumber("--limit", 1, 100_000), 100)
    .addHelpText("after", example(`cloudsync alert list ${ORG} --severity critical --json`))
    .action(
      run(async ({ env }, opts: OrgOpts & { status: "open"; severity?: string; limit: number }) => {
        const { alertList } = await import("./alert.ts");
        return alertList(env, opts);
      }),
    );
  orgScoped(alert.command("ack").description("acknowledge an active alert").argument("<id>", "the alert's id (see `alert list`)"))
    .option("--by <email>", "the user acknowledging it (default: the owner)")
    .addHelpText("after", example(`cloudsync alert ack 0b1f6f6e-6c1e-4d2b-9a51-7b8a1c2d3e4f ${ORG} --by oncall@acme.example`))
    .action(
      run(async ({ env }, id: string, opts: OrgOpts & { by?: string }) => {
        const { alertAck } = await import("./alert.ts");
        return alertAck(env, id, opts);
      }),
    );
  orgScoped(alert.command("resolve").description("resolve an active or acknowledged alert").argument("<id>", "the alert's id (see `alert list`)"))
    .option("--by <email>", "the user resolving it (default: the owner)")
    .option("--notes <text>", "what was done (stored as resolution_notes)")
    .addHelpText("after", example(`cloudsync alert resolve 0b1f6f6e-6c1e-4d2b-9a51-7b8a1c2d3e4f ${ORG} --notes "disk grown to 200 GB"`))
    .action(
      run(async ({ env }, id: string, opts: OrgOpts & { by?: string; notes?: string }) => {
        const { alertResolve } = await import("./alert.ts");
        return alertResolve(env, id, opts);
      }),
    );

  orgScoped(alert.command("deliveries").description("every attempt to deliver an alert to its notification channels, newest first").argument("<id>", "the alert's id (see `alert list`)"))
    .addHelpText("after", example(`cloudsync alert deliveries 0b1f6f6e-6c1e-4d2b-9a51-7b8a1c2d3e4f ${ORG}`))
    .action(
      run(async ({ env }, id: string, opts: OrgOpts) => {
        const { alertDeliveries } = await import("./alert.ts");
        return alertDeliveries(env, id, opts);
      }),
    );

  const recommendation = program
    .command("recommendation")
    .description("cost optimization recommendations: list, approve, reject")
    .addHelpText(
      "after",
      `${example(`cloudsync recommendation list ${ORG}`, `cloudsync recommendation approve 0b1f6f6e-6c1e-4d2b-9a51-7b8a1c2d3e4f ${ORG}`)}

Maintenance opens recommendations from the rules of docs/recommendations.md over cached list
prices, one per finding (resource and advice); a rejected or approved one keeps its decision,
and an open one whose finding no longer holds expires.`,
    );
  orgScoped(recommendation.command("list").description("list recommendations, largest monthly savings first"))
    .addOption(new Option("--status <status>", "open = identified or approved").choices(["open", "all", ...recommendationStatuses]).default("open"))
    .addHelpText("after", example(`cloudsync recommendation list ${ORG} --status all --json`))
    .action(
      run(async ({ env }, opts: OrgOpts & { status: "open" }) => {
        const { recommendationList } = await import("./recommendation.ts");
        return recommendationList(env, opts);
      }),
    );
  orgScoped(recommendation.command("approve").description("approve an identified recommendation").argument("<id>", "the recommendation's id"))
    .addHelpText("after", example(`cloudsync recommendation approve 0b1f6f6e-6c1e-4d2b-9a51-7b8a1c2d3e4f ${ORG}`))
    .action(
      run(async ({ env }, id: string, opts: OrgOpts) => {
        const { recommendationApprove } = await import("./recommendation.ts");
        return recommendationApprove(env, id, opts);
      }),
    );
  orgScoped(recommendation.command("reject").description("reject an identified or approved recommendation").argument("<id>", "the recommendation's id"))
    .addHelpText("after", example(`cloudsync recommendation reject 0b1f6f6e-6c1e-4d2b-9a51-7b8a1c2d3e4f ${ORG}`))
    .action(
      run(async ({ env }, id: string, opts: OrgOpts) => {
        const { recommendationReject } = await import("./recommendation.ts");
        return recommendationReject(env, id, opts);
      }),
    );

  const resource = program.command("resource").description("the synced resources").addHelpText("after", example(`cloudsync resource show web-1 ${ORG}`));
  orgScoped(
    resource
      .command("show")
      .description("one resource: health and latest sample, estimated and billed costs, recent changes, dependencies")
      .argument("<id|name>", "our id (uuid), the provider's id (ARN, Azure id, GCP self link) or the name"),
  )
    .addHelpText("after", example(`cloudsync resource show web-1 ${ORG}`, `cloudsync resource show arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc --org 0b1f6f6e-6c1e-4d2b-9a51-7b8a1c2d3e4f --json`))
    .action(
      run(async ({ env }, ref: string, opts: OrgOpts) => {
        const { resourceShow } = await import("./resource-show.ts");
        return resourceShow(env, ref, opts);
      }),
    );

  const dr = program.command("dr").description("disaster recovery plans").addHelpText("after", example(`cloudsync dr plan list ${ORG}`));
  const drPlan = dr.command("plan").description("DR plans: add, list, evaluate, record a test").addHelpText("after", example(`cloudsync dr plan evaluate "EU primary" ${ORG}`));
  orgScoped(drPlan.command("add").description("add a DR plan for a primary region; regions are those the syncs found"))
    .option("--name <name>", "unique within the organization (required)")
    .addOption(new Option("--type <type>", "the recovery strategy (required)").choices(drPlanTypes))
    .option("--primary-region <code|id>", "the region the plan protects (required)")
    .option("--dr-regions <a,b>", "regions to recover into, comma-separated codes or ids (required)")
    .option("--failover-steps <steps>", 'the failover procedure, steps separated by ";" (required)')
    .option("--rto-minutes <n>", "recovery time objective (default 240)")
    .option("--rpo-minutes <n>", "recovery point objective: the oldest a backup may be (default 60)")
    .addOption(new Option("--test-frequency <f>", "how often the plan is tested").choices(["weekly", "monthly", "quarterly", "semiannually", "annually"]).default("quarterly"))
    .option("--automated-failover", "failover runs without a person", false)
    .option("--wedding-day-priority", "recover this plan first on a wedding day", false)
    .addHelpText("after", example(`cloudsync dr plan add ${ORG} --name "EU primary" --type warm_standby --primary-region eu-west-1 --dr-regions eu-central-1 --failover-steps "promote replica; switch DNS" --rpo-minutes 15`))
    .action(
      run(async ({ env }, opts: OrgOpts & { name: string; type: string; primaryRegion: string; drRegions: string; failoverSteps: string; rtoMinutes?: string; rpoMinutes?: string; testFrequency: string; automatedFailover: boolean; weddingDayPriority: boolean }) => {
        const { drPlanAdd } = await import("./dr.ts");
        return drPlanAdd(env, opts);
      }),
    );
  orgScoped(drPlan.command("list").description("list DR plans with objectives and test record"))
    .addHelpText("after", example(`cloudsync dr plan list ${ORG} --json`))
    .action(
      run(async ({ env }, opts: OrgOpts) => {
        const { drPlanList } = await import("./dr.ts");
        return drPlanList(env, opts);
      }),
    );
  orgScoped(
    drPlan
      .command("evaluate")
      .description("check a plan against the database: backups within RPO, critical resources covered, tests on schedule, recovery regions (read-only; the verdict is in the output, the exit code is 0)")
      .argument("<id|name>", "the plan's id or name"),
  )
    .addHelpText("after", example(`cloudsync dr plan evaluate "EU primary" ${ORG} --json`))
    .action(
      run(async ({ env }, ref: string, opts: OrgOpts) => {
        const { drPlanEvaluate } = await import("./dr.ts");
        return drPlanEvaluate(env, ref, opts);
      }),
    );
  orgScoped(drPlan.command("test").description("record a DR test and its result; updates last test, next test and success rate").argument("<id|name>", "the plan's id or name"))
    .addOption(new Option("--result <result>", "how the test went (required)").choices(["passed", "failed"]))
    .option("--at <time>", "when it ran, ISO 8601 (default: now)")
    .option("--notes <text>", "what was tested or what failed")
    .addHelpText("after", example(`cloudsync dr plan test "EU primary" ${ORG} --result passed --notes "failover in 38 min"`))
    .action(
      run(async ({ env }, ref: string, opts: OrgOpts & { result: "passed" | "failed"; at?: string; notes?: string }) => {
        const { drPlanTest } = await import("./dr.ts");
        return drPlanTest(env, ref, opts);
      }),
    );

  const deployment = program.command("deployment").description("infrastructure deployments").addHelpText("after", example(`cloudsync deployment list ${ORG}`));
  orgScoped(deployment.command("list").description("list deployments, newest first, with template, stages done and live resources"))
    .addOption(new Option("--status <status>", "only this status").choices(["all", ...deploymentStatuses]).default("all"))
    .addOption(new Option("--type <type>", "only this deployment type").choices(deploymentTypes))
    .addHelpText("after", example(`cloudsync deployment list ${ORG} --status failed --json`))
    .action(
      run(async ({ env }, opts: OrgOpts & { status: "all"; type?: (typeof deploymentTypes)[number] }) => {
        const { deploymentList } = await import("./deployment.ts");
        return deploymentList(env, opts);
      }),
    );

  const dbCommand = program.command("db").description("the database itself").addHelpText("after", example("cloudsync db stats"));
  dbCommand
    .command("stats")
    .description(
      "table and index sizes with growth since the last call, dead tuples, and the slowest statements when pg_stat_statements is there; " +
        "reads the database only (any role); the last figures are kept per database in ~/.local/state/cloudsync/db-stats.json",
    )
    .option("--state-file <path>", "where the last figures are kept (default ~/.local/state/cloudsync/db-stats.json)")
    .option("--no-save", "report growth but keep the previous figures as the baseline")
    .option("--limit <n>", "tables, indexes and statements shown", wholeNumber("--limit", 1, 10_000), 20)
    .option("--json", "print JSON for scripts instead of tables", false)
    .addHelpText("after", example("cloudsync db stats", "cloudsync db stats --json --no-save"))
    .action(
      run(async ({ env }, opts: { json: boolean; stateFile?: string; limit: number; save: boolean }) => {
        const { dbStats } = await import("./db-stats.ts");
        return dbStats(env, opts);
      }),
    );

  const retention = program
    .command("retention")
    .description("remove data past its retention (policies: docs/retention.md)")
    .addHelpText("after", example("cloudsync retention apply --dry-run"));
  retention
    .command("apply")
    .description(
      "delete resource changes, finished sync runs, resolved alerts and cost lines past retention, and retire old monthly metric partitions, " +
        "across every organization; runs as the tables' owner (the login of `cloudsync migrate`): cloudsync_worker may not delete and cloudsync_app sees one organization",
    )
    .option("--dry-run", "count what would go and delete nothing", false)
    .option("--changes-days <n>", "keep resource_changes this many days", wholeNumber("--changes-days", 1, 36_500), 180)
    .option("--runs-days <n>", "keep finished sync_runs this many days (longer while a kept change points at one)", wholeNumber("--runs-days", 1, 36_500), 90)
    .option("--alerts-days <n>", "keep resolved and expired alerts this many days after resolution", wholeNumber("--alerts-days", 1, 36_500), 365)
    .option("--cost-months <n>", "keep cost lines whose period ended within this many months", wholeNumber("--cost-months", 1, 1200), 25)
    .option("--monitoring-months <n>", "keep monthly partitions of infrastructure_monitoring this many months", wholeNumber("--monitoring-months", 1, 1200), 13)
    .option("--json", "print JSON for scripts instead of a table", false)
    .addHelpText("after", example("cloudsync retention apply --dry-run", "DATABASE_URL=postgres://owner@db:5432/cloudsync cloudsync retention apply --changes-days 90"))
    .action(
      run(async ({ env }, opts: { dryRun: boolean; json: boolean; changesDays: number; runsDays: number; alertsDays: number; costMonths: number; monitoringMonths: number }) => {
        const { retentionApply } = await import("./retention.ts");
        return retentionApply(env, opts);
      }),
    );

  program
    .command("sync")
    .description("one-shot sync of every active provider (or one), without Redis")
    .option("--provider <id>", "only this provider (see `cloudsync provider list`)")
    .addOption(new Option("--kind <kind>", "what to sync").choices([...syncKinds]).default("resources"))
    .addHelpText("after", example("cloudsync sync --kind costs", "cloudsync sync --kind backups", "cloudsync sync --kind deployments", "cloudsync sync --provider 0b1f6f6e-6c1e-4d2b-9a51-7b8a1c2d3e4f"))
    .action(
      run(async ({ env, logger }, opts: { provider?: string; kind: SyncKind }) => {
        const { sync } = await import("./admin.ts");
        return sync(env, logger, opts);
      }),
    );

  program
    .command("worker")
    .description("the BullMQ worker and schedulers, with /healthz and /metrics; runs until SIGTERM")
    .option("--clouds <list>", "only these clouds' jobs, comma-separated aws,azure,gcp,digitalocean,linode,vultr (default: CLOUDSYNC_WORKER_CLOUDS, else all)")
    .addHelpText("after", example("cloudsync worker --clouds aws"))
    .action(
      run(
        async ({ env, logger }, opts: { clouds?: string }) => {
          const { runWorker, workerClouds } = await import("./worker.ts");
          return runWorker(env, logger, workerClouds(opts.clouds ?? env.CLOUDSYNC_WORKER_CLOUDS));
        },
        { verboseLogs: true },
      ),
    );

  program
    .command("maintenance")
    .description("partitions ahead and retention, cost summary, recommendations (what the worker schedules)")
    .addHelpText("after", example("cloudsync maintenance"))
    .action(
      run(async ({ env, logger }) => {
        const { runMaintenanceCommand } = await import("./database.ts");
        return runMaintenanceCommand(env, logger);
      }),
    );

  const keys = program
    .command("keys")
    .description("the encryption keys of stored credentials")
    .addHelpText("after", example("cloudsync keys rotate --dry-run"));
  keys
    .command("rotate")
    .description("re-seal every provider's credentials with the first (active) key of CLOUDSYNC_ENCRYPTION_KEYS; run as the tables' owner")
    .option("--dry-run", "report what would change and write nothing", false)
    .addHelpText("after", example('CLOUDSYNC_ENCRYPTION_KEYS="k2:…,k1:…" cloudsync keys rotate --dry-run'))
    .action(
      run(async ({ env }, opts: { dryRun: boolean }) => {
        const { runKeysRotate } = await import("./keys.ts");
        return runKeysRotate(env, { dryRun: opts.dryRun });
      }),
    );

  return { program, exitCode: () => code };
}

/** Every command of the tree with its path, leaves and groups alike (`org`, `org add`, …). */
export function commandPaths(program: Command): string[][] {
  const walk = (command: Command, path: string[]): string[][] =>
    command.commands.flatMap((c) => [[...path, c.name()], ...walk(c, [...path, c.name()])]);
  return walk(program, []);
}
