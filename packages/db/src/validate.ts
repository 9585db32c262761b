import { z } from "zod";
import { InvalidInputError } from "./errors.ts";

const uuidSchema = z.uuid();
const isoDateSchema = z.iso.date();

/** Checks a UUID argument before it reaches SQL, so a typo fails with a message, not a cast error. */
export function requireUuid(field: string, value: unknown): string {
  const parsed = uuidSchema.safeParse(value);
  if (!parsed.success) {
    throw new InvalidInputError(field, `expected a UUID like 3f2b9c1e-8d4a-4f6e-9b1a-2c3d4e5f6a7b, got ${describe(value)}`);
  }
  return parsed.data;
}

/** A calendar date as `YYYY-MM-DD` (or a Date, taken in UTC). */
export function requireDate(field: string, value: unknown): string {
  const text = value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().slice(0, 10) : value;
  const parsed = isoDateSchema.safeParse(text);
  if (!parsed.success) throw new InvalidInputError(field, `expected a date as YYYY-MM-DD, got ${describe(value)}`);
  return parsed.data;
}

export function requireIntegerInRange(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(field, `expected a whole number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (value instanceof Date) return "an invalid Date";
  return value === null ? "null" : typeof value;
}
