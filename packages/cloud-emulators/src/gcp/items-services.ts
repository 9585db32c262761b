/**
 * Generators of the kinds beyond the first Compute collections: backend services and managed
 * instance groups (Compute), and the kinds other APIs list (Cloud Storage, Cloud SQL Admin, GKE,
 * Cloud Functions, BigQuery, Cloud Asset Inventory), each in its API's documented JSON shape.
 */
import {
  bucketLocations,
  catchAllAssetTypes,
  cloudRunLimits,
  cloudRunStates,
  datasetLocations,
  functionStates,
  gkeClusterStates,
  machineTypes,
  sqlInstanceStates,
  sqlTiers,
} from "./catalog.ts";
import { hashString } from "../rng.ts";
import { type ItemBasics, type ItemContext, labelsFor, nameFor, pickState, type WireItem } from "./items.ts";

/**
 * A bucket's `lifecycle` (Cloud Storage JSON API, "Buckets" resource: `lifecycle.rule[]` of
 * `action { type, storageClass }` and `condition`), from its name rather than the estate's random
 * stream (adding it moved no other value): a third have none (the field is absent), a third only
 * abort incomplete multipart uploads, a third move objects to NEARLINE at 30 days and delete them
 * at 365.
 */
export function gcsBucketLifecycle(name: string): { rule: Record<string, unknown>[] } | undefined {
  const n = hashString(`lifecycle:${name}`) % 3;
  const abort = { action: { type: "AbortIncompleteMultipartUpload" }, condition: { age: 7 } };
  if (n === 0) return undefined;
  if (n === 1) return { rule: [abort] };
  return { rule: [{ action: { type: "SetStorageClass", storageClass: "NEARLINE" }, condition: { age: 30, matchesStorageClass: ["STANDARD"] } }, { action: { type: "Delete" }, condition: { age: 365 } }, abort] };
}

type ServiceKind =
  | "backendService"
  | "instanceGroupManager"
  | "bucket"
  | "sqlInstance"
  | "gkeCluster"
  | "cloudFunction"
  | "bigqueryDataset"
  | "asset"
  | "cloudRunService";

/** RFC 3339 in UTC, as the newer APIs write times (Compute writes Pacific time). */
function utc(created: string): string {
  return new Date(Date.parse(created)).toISOString();
}

/** A project number for a project id, stable per id (the APIs that report `projects/<number>`). */
export function projectNumber(project: string): string {
  let h = 0;
  for (const c of project) h = (h * 31 + c.charCodeAt(0)) % 900_000_000_000;
  return String(100_000_000_000 + h);
}

/** Labels of production resources say whether the wedding day depends on them. */
function weddingCritical(labels: Record<string, string>, env: string, critical: boolean): Record<string, string> {
  if (env === "prod" && Object.keys(labels).length > 0) labels["wedding-critical"] = critical ? "true" : "false";
  return labels;
}

export function generateServiceItem(kind: ServiceKind, ctx: ItemContext, b: ItemBasics): WireItem {
  const { rng, id, projectUrl, env, role, region, zone, created } = b;
  switch (kind) {
    case "backendService": {
      // A third are global (external Application Load Balancers), the rest regional; the first
      // of each project serves through Cloud CDN, so every estate has a `cdn` resource.
      const global = ctx.position === 0 || rng.next() < 0.35;
      const name = ctx.name ?? nameFor(rng, `bs-${role}-${env}`, ctx.position);
      const cdn = global && (ctx.position === 0 || rng.next() < 0.6);
      const backends = Array.from({ length: rng.pick([0, 1, 1, 2, 3, 4, 12]) }, (_, i) => ({
        group: `${projectUrl}/zones/${zone}/instanceGroups/${role}-${env}-mig-${i}`,
        balancingMode: "UTILIZATION",
        capacityScaler: 1,
      }));
      const base = global ? `${projectUrl}/global` : `${projectUrl}/regions/${region.code}`;
      return {
        raw: {
          kind: "compute#backendService",
          id,
          creationTimestamp: created,
          name,
          description: "",
          selfLink: `${base}/backendServices/${name}`,
          backends,
          healthChecks: [`${projectUrl}/global/healthChecks/${role}-hc`],
          timeoutSec: 30,
          port: 80,
          protocol: rng.pick(["HTTP", "HTTPS", "HTTP2"]),
          fingerprint: rng.hex(11),
          portName: "http",
          enableCDN: cdn,
          ...(cdn
            ? { cdnPolicy: { cacheMode: "CACHE_ALL_STATIC", defaultTtl: 3600, maxTtl: 86400, clientTtl: 3600, signedUrlCacheMaxAgeSec: "0" } }
            : {}),
          sessionAffinity: "NONE",
          loadBalancingScheme: global ? "EXTERNAL_MANAGED" : rng.pick(["INTERNAL_MANAGED", "EXTERNAL_MANAGED"]),
          connectionDraining: { drainingTimeoutSec: 300 },
          ...(global ? {} : { region: `${projectUrl}/regions/${region.code}` }),
        },
        region: global ? "global" : region.code,
        scopeKey: global ? "global" : `regions/${region.code}`,
        status: "running",
        providerStatus: null,
      };
    }
    case "instanceGroupManager": {
      // A quarter are regional (spread over the region's zones).
      const regional = rng.next() < 0.25;
      const name = ctx.name ?? nameFor(rng, `${role}-${env}-mig`, ctx.position);
      const targetSize = rng.pick([0, 1, 2, 3, 3, 5, 8, 20, 60]);
      const stable = rng.next() < 0.9;
      const where = regional ? `${projectUrl}/regions/${region.code}` : `${projectUrl}/zones/${zone}`;
      return {
        raw: {
          kind: "compute#instanceGroupManager",
          id,
          creationTimestamp: created,
          name,
          description: "",
          ...(regional
            ? {
                region: `${projectUrl}/regions/${region.code}`,
                distributionPolicy: { zones: region.zones.map((z) => ({ zone: `${projectUrl}/zones/${region.code}-${z}` })), targetShape: "EVEN" },
              }
            : { zone: `${projectUrl}/zones/${zone}` }),
          instanceTemplate: `${projectUrl}/global/instanceTemplates/${role}-${env}-${rng.pick(machineTypes)}`,
          instanceGroup: `${where}/instanceGroups/${name}`,
          baseInstanceName: `${role}-${env}`,
          fingerprint: rng.hex(11),
          currentActions: {
            none: stable ? targetSize : Math.max(0, targetSize - 1),
            creating: stable ? 0 : 1,
            creatingWithoutRetries: 0,
            verifying: 0,
            recreating: 0,
            deleting: 0,
            abandoning: 0,
            restarting: 0,
            refreshing: 0,
          },
          status: { isStable: stable, versionTarget: { isReached: true }, stateful: { hasStatefulConfig: false } },
          targetSize,
          selfLink: `${where}/instanceGroupManagers/${name}`,
          updatePolicy: { type: "PROACTIVE", minimalAction: "REPLACE", maxSurge: { fixed: 1, calculated: 1 }, replacementMethod: "SUBSTITUTE" },
        },
        region: region.code,
        scopeKey: regional ? `regions/${region.code}` : `zones/${zone}`,
        // A group scaled to zero runs nothing but keeps its template: stopped.
        status: targetSize === 0 ? "stopped" : "running",
        providerStatus: null,
      };
    }
    case "bucket": {
      // Bucket names are global across Google Cloud: the project id makes them unique.
      const name = ctx.name ?? `${ctx.project}-${nameFor(rng, `${role}-${env}`, ctx.position)}`.slice(0, 63);
      const where = rng.pick(bucketLocations);
      const labels = weddingCritical(labelsFor(rng, env, role), env, role === "web");
      return {
        raw: {
          kind: "storage#bucket",
          selfLink: `https://www.googleapis.com/storage/v1/b/${name}`,
          id: name,
          name,
          projectNumber: projectNumber(ctx.project),
          generation: String(1_600_000_000_000_000 + ctx.position),
          metageneration: "1",
          location: where.location,
          locationType: where.locationType,
          storageClass: rng.pick(["STANDARD", "STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE"]),
          etag: "CAE=",
          timeCreated: utc(created),
          updated: utc(created),
          softDeletePolicy: { retentionDurationSeconds: "604800", effectiveTime: utc(created) },
          iamConfiguration: { bucketPolicyOnly: { enabled: true }, uniformBucketLevelAccess: { enabled: true }, publicAccessPrevention: "enforced" },
          rpo: where.locationType === "multi-region" ? "DEFAULT" : undefined,
          versioning: { enabled: env === "prod" },
          lifecycle: gcsBucketLifecycle(name),
          labels,
        },
        resourceId: name,
        region: where.location.toLowerCase(),
        scopeKey: null,
        status: "running",
        providerStatus: null,
      };
    }
    case "sqlInstance": {
      // Cloud SQL Admin: no numeric id on the wire, labels under settings.userLabels, RFC 3339 UTC times.
      const name = ctx.name ?? nameFor(rng, `${role}-${env}-db`, ctx.position);
      const [providerStatus, seedStatus] = pickState(rng, sqlInstanceStates);
      const stopped = providerStatus === "RUNNABLE" && rng.next() < 0.15;
      const labels = weddingCritical(labelsFor(rng, env, role), env, role === "db" || role === "api");
      return {
        raw: {
          kind: "sql#instance",
          state: providerStatus,
          databaseVersion: rng.pick(["POSTGRES_15", "POSTGRES_16", "MYSQL_8_0", "SQLSERVER_2019_STANDARD"]),
          settings: {
            kind: "sql#settings",
            settingsVersion: String(rng.int(1, 40)),
            tier: rng.pick(sqlTiers),
            userLabels: labels,
            availabilityType: env === "prod" ? "REGIONAL" : "ZONAL",
            pricingPlan: "PER_USE",
            activationPolicy: stopped ? "NEVER" : "ALWAYS",
            dataDiskType: "PD_SSD",
            dataDiskSizeGb: String(rng.pick([10, 50, 100, 250, 500])),
            storageAutoResize: true,
            backupConfiguration: {
              kind: "sql#backupConfiguration",
              enabled: env === "prod",
              startTime: "03:00",
              // The API's defaults, as instances.get shows them: seven automated backups kept.
              backupRetentionSettings: { retentionUnit: "COUNT", retainedBackups: 7 },
              transactionLogRetentionDays: 7,
              pointInTimeRecoveryEnabled: false,
            },
            deletionProtectionEnabled: env === "prod",
            edition: rng.next() < 0.2 ? "ENTERPRISE_PLUS" : "ENTERPRISE",
          },
          etag: rng.hex(16),
          ipAddresses: [{ type: "PRIVATE", ipAddress: `10.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(2, 254)}` }],
          instanceType: "CLOUD_SQL_INSTANCE",
          project: ctx.project,
          backendType: "SECOND_GEN",
          selfLink: `https://sqladmin.googleapis.com/v1/projects/${ctx.project}/instances/${name}`,
          connectionName: `${ctx.project}:${region.code}:${name}`,
          name,
          region: region.code,
          gceZone: zone,
          createTime: utc(created),
        },
        resourceId: `//sqladmin.googleapis.com/projects/${ctx.project}/instances/${name}`,
        region: region.code,
        scopeKey: null,
        status: stopped ? "stopped" : seedStatus,
        providerStatus,
      };
    }
    case "gkeCluster": {
      const name = ctx.name ?? nameFor(rng, `${env}-gke`, ctx.position);
      const [providerStatus, status] = pickState(rng, gkeClusterStates);
      const autopilot = rng.next() < 0.3;
      // Zonal clusters live in one zone, regional ones (and every Autopilot cluster) in a region.
      const location = autopilot || rng.next() < 0.5 ? region.code : zone;
      const pools = autopilot ? [] : [{ name: "default-pool", count: rng.pick([1, 3, 3, 5]) }, ...(rng.next() < 0.4 ? [{ name: "highmem", count: rng.pick([2, 10, 40]) }] : [])];
      const nodes = autopilot ? rng.pick([0, 2, 6, 14]) : pools.reduce((s, p) => s + p.count, 0);
      const version = rng.pick(["1.30.5-gke.1014001", "1.31.1-gke.1678000", "1.29.8-gke.1211000"]);
      const base = `https://container.googleapis.com/v1/projects/${ctx.project}/locations/${location}/clusters/${name}`;
      const clusterId = rng.hex(64);
      return {
        raw: {
          name,
          description: "",
          nodePools: pools.map((p) => ({
            name: p.name,
            config: { machineType: rng.pick(machineTypes), diskSizeGb: 100, diskType: "pd-balanced", imageType: "COS_CONTAINERD" },
            initialNodeCount: p.count,
            autoscaling: { enabled: true, minNodeCount: 1, maxNodeCount: p.count * 2 },
            status: "RUNNING",
            version,
            selfLink: `${base}/nodePools/${p.name}`,
          })),
          locations: location === region.code ? region.zones.map((z) => `${region.code}-${z}`) : [zone],
          network: "default",
          subnetwork: "default",
          clusterIpv4Cidr: `10.${rng.int(0, 255)}.0.0/14`,
          selfLink: base,
          zone: location,
          endpoint: `34.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
          initialClusterVersion: version,
          currentMasterVersion: version,
          currentNodeVersion: version,
          createTime: utc(created),
          status: providerStatus,
          ...(providerStatus === "DEGRADED" ? { statusMessage: "Some node pools are unhealthy." } : {}),
          servicesIpv4Cidr: "34.118.224.0/20",
          currentNodeCount: nodes,
          location,
          resourceLabels: weddingCritical(labelsFor(rng, env, role), env, role === "web" || role === "api"),
          labelFingerprint: rng.hex(8),
          id: clusterId,
          autopilot: { enabled: autopilot },
          releaseChannel: { channel: "REGULAR" },
        },
        resourceId: clusterId,
        region: region.code,
        scopeKey: null,
        status,
        providerStatus,
      };
    }
    case "cloudFunction": {
      const short = ctx.name ?? nameFor(rng, `${role}-${env}-fn`, ctx.position);
      const fullName = `projects/${ctx.project}/locations/${region.code}/functions/${short}`;
      const [providerStatus, status] = pickState(rng, functionStates);
      const memory = rng.pick(["128Mi", "256M", "512M", "1Gi", "2Gi", "4Gi", "16Gi"]);
      const http = rng.next() < 0.6;
      return {
        raw: {
          name: fullName,
          description: "",
          buildConfig: {
            build: `projects/${projectNumber(ctx.project)}/locations/${region.code}/builds/${rng.hex(8)}-${rng.hex(4)}`,
            runtime: rng.pick(["nodejs20", "python312", "go122"]),
            entryPoint: "handler",
            dockerRepository: `projects/${ctx.project}/locations/${region.code}/repositories/gcf-artifacts`,
          },
          serviceConfig: {
            service: `projects/${ctx.project}/locations/${region.code}/services/${short}`,
            timeoutSeconds: 60,
            availableMemory: memory,
            availableCpu: memory.startsWith("4") || memory.startsWith("16") ? "2" : "0.1666",
            maxInstanceCount: rng.pick([1, 10, 100]),
            ingressSettings: "ALLOW_ALL",
            uri: `https://${short}-${rng.hex(10)}-${region.code.slice(0, 2)}.a.run.app`,
            serviceAccountEmail: `${projectNumber(ctx.project)}-compute@developer.gserviceaccount.com`,
            allTrafficOnLatestRevision: true,
            revision: `${short}-00001-abc`,
            maxInstanceRequestConcurrency: 1,
          },
          ...(http
            ? {}
            : {
                eventTrigger: {
                  trigger: `projects/${ctx.project}/locations/${region.code}/triggers/${short}-123`,
                  triggerRegion: region.code,
                  eventType: "google.cloud.pubsub.topic.v1.messagePublished",
                  pubsubTopic: `projects/${ctx.project}/topics/${role}-events`,
                  retryPolicy: "RETRY_POLICY_DO_NOT_RETRY",
                },
              }),
          state: providerStatus,
          updateTime: utc(created),
          labels: weddingCritical(labelsFor(rng, env, role), env, role === "api" || role === "gateway"),
          environment: rng.next() < 0.8 ? "GEN_2" : "GEN_1",
          url: `https://${region.code}-${ctx.project}.cloudfunctions.net/${short}`,
          createTime: utc(created),
        },
        resourceId: fullName,
        region: region.code,
        scopeKey: null,
        status,
        providerStatus,
      };
    }
    case "bigqueryDataset": {
      const datasetId = ctx.name ?? nameFor(rng, `${role}_${env}`, ctx.position).replace(/-/g, "_");
      const location = rng.pick(datasetLocations);
      return {
        raw: {
          kind: "bigquery#dataset",
          id: `${ctx.project}:${datasetId}`,
          datasetReference: { datasetId, projectId: ctx.project },
          labels: weddingCritical(labelsFor(rng, env, role), env, role === "etl"),
          location,
          type: "DEFAULT",
        },
        resourceId: `${ctx.project}:${datasetId}`,
        region: location.toLowerCase(),
        scopeKey: null,
        status: "running",
        providerStatus: null,
      };
    }
    case "cloudRunService": {
      // Cloud Run Admin API v2 `Service` JSON: int64 fields (`generation`) as strings.
      const short = ctx.name ?? nameFor(rng, `${role}-${env}-run`, ctx.position);
      const fullName = `projects/${ctx.project}/locations/${region.code}/services/${short}`;
      const [providerStatus, status] = pickState(rng, cloudRunStates);
      const limits = rng.pick(cloudRunLimits);
      const generation = rng.int(1, 40);
      const revision = (n: number) => `${short}-${String(n).padStart(5, "0")}-${rng.hex(3)}`;
      const ready = providerStatus !== "CONDITION_PENDING";
      const failed = providerStatus === "CONDITION_FAILED";
      const uri = `https://${short}-${rng.hex(10)}-${region.code.slice(0, 2)}.a.run.app`;
      const image = `${region.code}-docker.pkg.dev/${ctx.project}/apps/${role}:v${generation}`;
      const deployer = `deployer@${ctx.project}.iam.gserviceaccount.com`;
      const condition = {
        type: "Ready",
        state: providerStatus,
        lastTransitionTime: utc(created),
        ...(failed ? { message: `Revision '${revision(generation)}' is not ready and cannot serve traffic.`, reason: "CONTAINER_MISSING" } : {}),
      };
      return {
        raw: {
          name: fullName,
          uid: `${rng.hex(8)}-${rng.hex(4)}-4${rng.hex(3)}-a${rng.hex(3)}-${rng.hex(12)}`,
          generation: String(generation),
          labels: weddingCritical(labelsFor(rng, env, role), env, role === "web" || role === "api"),
          createTime: utc(created),
          updateTime: utc(created),
          creator: deployer,
          lastModifier: deployer,
          ingress: rng.pick(["INGRESS_TRAFFIC_ALL", "INGRESS_TRAFFIC_ALL", "INGRESS_TRAFFIC_INTERNAL_ONLY", "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"]),
          launchStage: "GA",
          template: {
            scaling: { minInstanceCount: rng.pick([0, 0, 0, 1, 2]), maxInstanceCount: rng.pick([3, 10, 20, 100]) },
            timeout: "300s",
            serviceAccount: `${projectNumber(ctx.project)}-compute@developer.gserviceaccount.com`,
            containers: [
              {
                image,
                ...(limits ? { resources: { limits: { cpu: limits.cpu, memory: limits.memory }, cpuIdle: true } } : {}),
                ports: [{ name: "http1", containerPort: 8080 }],
              },
            ],
            executionEnvironment: "EXECUTION_ENVIRONMENT_GEN2",
            maxInstanceRequestConcurrency: 80,
          },
          traffic: [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }],
          observedGeneration: String(generation),
          terminalCondition: condition,
          conditions: [{ type: "RoutesReady", state: providerStatus, lastTransitionTime: utc(created) }],
          latestCreatedRevision: `${fullName}/revisions/${revision(generation)}`,
          ...(ready ? { latestReadyRevision: `${fullName}/revisions/${revision(failed ? generation - 1 || 1 : generation)}` } : {}),
          trafficStatuses: ready ? [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }] : [],
          uri,
          urls: [uri],
          ...(providerStatus === "CONDITION_RECONCILING" || providerStatus === "CONDITION_PENDING" ? { reconciling: true } : {}),
          etag: `"${rng.hex(16)}"`,
        },
        resourceId: fullName,
        region: region.code,
        scopeKey: null,
        status,
        providerStatus,
      };
    }
    case "asset": {
      const type = rng.pick(catchAllAssetTypes);
      const [service, collection] = type.assetType.split("/") as [string, string];
      const short = ctx.name ?? nameFor(rng, `${role}-${env}`, ctx.position);
      const location = type.placement === "global" ? "global" : type.placement === "zone" ? zone : region.code;
      const plural = `${collection.charAt(0).toLowerCase()}${collection.slice(1)}s`;
      const name =
        type.placement === "global"
          ? `//${service}/projects/${ctx.project}/${plural}/${short}`
          : `//${service}/projects/${ctx.project}/locations/${location}/${plural}/${short}`;
      const state = type.states ? pickState(rng, type.states) : null;
      return {
        raw: {
          name,
          assetType: type.assetType,
          project: `projects/${projectNumber(ctx.project)}`,
          displayName: short,
          description: "",
          location,
          labels: labelsFor(rng, env, role),
          ...(state ? { state: state[0] } : {}),
          createTime: utc(created),
          updateTime: utc(created),
          parentFullResourceName: `//cloudresourcemanager.googleapis.com/projects/${projectNumber(ctx.project)}`,
          parentAssetType: "cloudresourcemanager.googleapis.com/Project",
        },
        resourceId: name,
        adapterKind: type.kind,
        region: type.placement === "global" ? "global" : region.code,
        scopeKey: null,
        status: state ? state[1] : "running",
        providerStatus: state ? state[0] : null,
      };
    }
  }
}
