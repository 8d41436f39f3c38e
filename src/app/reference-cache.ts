import type pg from "pg";
import { buildTriageService, type TriageService } from "./triage-service.ts";
import type { TriageModelSetting } from "../store/reference-seed.ts";
import { buildRegionLocator, type RegionFeature, type RegionLocator } from "../domain/geo/kelurahan-locator.ts";
import type { Category } from "../domain/report.ts";
import { addWorkingDays, makeCalendar, type WorkingCalendar } from "../domain/sla-clock.ts";
import { buildUnitDirectory, type UnitDirectory } from "../domain/units.ts";
import {
  getSetting,
  listCategories,
  listHolidays,
  listRegionGeometries,
  listRegionNames,
  listUnits,
  referenceVersion,
} from "../store/reference.store.ts";

export interface Deployment {
  name: string;
  provinceCode: string;
  ticketPrefix: string;
  timeZone: string;
  utcOffsetMinutes?: number;
  defaultLanguage: "id" | "en";
  triageSla?: { firstActionDays: number; resolutionDays: number };
  map?: { centerLat: number; centerLon: number; zoom: number };
}

/** The reference data every use case reads, loaded once and refreshed when an administrator edits it. */
export interface Reference {
  deployment: Deployment;
  units: UnitDirectory;
  categories: Map<string, Category>;
  calendar: WorkingCalendar;
  kelurahanLocator: RegionLocator;
  regionNames: Map<string, string>;
  /** triage's reading of new reports; null when the deployment ships no model */
  triage: TriageService | null;
  /** SLA deadlines for a category (or the triage default) counted from an instant. */
  deadlines(category: Category | null, from: Date): { firstActionDueAt: Date; resolutionDueAt: Date };
}

const TTL_MS = 5_000;

export class ReferenceCache {
  private current: Reference | null = null;
  private version = "";
  private checkedAt = 0;
  private loading: Promise<Reference> | null = null;

  constructor(private readonly pool: pg.Pool) {}

  /** The reference data; re-checked against the database version at most every few seconds. */
  async get(): Promise<Reference> {
    if (this.current && Date.now() - this.checkedAt < TTL_MS) return this.current;
    this.loading ??= this.refresh().finally(() => (this.loading = null));
    return this.loading;
  }

  /** Identifies the reference data loaded (changes when an administrator edits it). */
  get loadedVersion(): string {
    return this.version;
  }

  /** Forces the next get() to reload (after an edit in this process). */
  invalidate(): void {
    this.checkedAt = 0;
    this.version = "";
  }

  private async refresh(): Promise<Reference> {
    const version = await referenceVersion(this.pool);
    this.checkedAt = Date.now();
    if (this.current && version === this.version) return this.current;
    const [deployment, units, categories, holidays, geometries, regionNames, triageModel] = await Promise.all([
      getSetting<Deployment>(this.pool, "deployment"),
      listUnits(this.pool),
      listCategories(this.pool),
      listHolidays(this.pool),
      // The locator only needs building once per process: boundaries are not edited through the API.
      this.current ? Promise.resolve(null) : listRegionGeometries(this.pool, "desa_kelurahan"),
      listRegionNames(this.pool),
      getSetting<TriageModelSetting>(this.pool, "triage"),
    ]);
    const categoryMap = new Map(categories.map((c) => [c.code, c]));
    if (!deployment) throw new Error("reference data missing: no deployment setting (was the database seeded?)");
    const calendar = makeCalendar(holidays.map((h) => h.date), deployment.utcOffsetMinutes ?? 420);
    const triageSla = deployment.triageSla ?? { firstActionDays: 1, resolutionDays: 5 };
    const kelurahanLocator =
      this.current?.kelurahanLocator ?? buildRegionLocator((geometries ?? []) as unknown as RegionFeature[]);
    this.current = {
      deployment,
      units: buildUnitDirectory(units),
      categories: categoryMap,
      calendar,
      kelurahanLocator,
      regionNames,
      // Rebuilt with the rest when the reference data changes (a category edit changes the classifier's classes).
      triage: buildTriageService(triageModel, regionNames, categoryMap, deployment.provinceCode),
      deadlines(category, from) {
        const first = category?.slaFirstActionDays ?? triageSla.firstActionDays;
        const resolution = category?.slaResolutionDays ?? triageSla.resolutionDays;
        return { firstActionDueAt: addWorkingDays(calendar, from, first), resolutionDueAt: addWorkingDays(calendar, from, resolution) };
      },
    };
    this.version = version;
    return this.current;
  }
}
