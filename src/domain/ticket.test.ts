import { describe, expect, it } from "vitest";
import { formatTicket, normalizeTicket } from "./ticket.ts";

describe("formatTicket", () => {
  it.each([
    ["JKT", "2026-04-12", 73, "JKT-260412-0073"],
    ["JKT", "2026-04-12", 1, "JKT-260412-0001"],
    ["JKT", "2026-04-12", 9999, "JKT-260412-9999"],
    ["JKT", "2026-04-12", 10000, "JKT-260412-10000"],
    ["JKT", "2026-04-12", 12345, "JKT-260412-12345"],
    ["JKT", "2025-12-31", 5, "JKT-251231-0005"],
    ["JKT", "2030-01-01", 42, "JKT-300101-0042"],
    ["BDG", "2026-04-12", 73, "BDG-260412-0073"],
  ] as const)("%s %s #%d -> %s", (prefix, date, seq, expected) => {
    expect(formatTicket(prefix, date, seq)).toBe(expected);
  });

  it("a 5-digit sequence still reads back", () => {
    expect(normalizeTicket(formatTicket("JKT", "2026-04-12", 12345))).toBe("JKT-260412-12345");
  });

  it("tickets of different days and sequences never collide", () => {
    const seen = new Set<string>();
    for (const day of ["2026-04-12", "2026-04-13", "2027-04-12"]) {
      for (const seq of [1, 73, 9999, 10000, 10001, 99999]) seen.add(formatTicket("JKT", day, seq));
    }
    expect(seen.size).toBe(18);
  });
});

describe("normalizeTicket", () => {
  it.each([
    ["JKT-260412-0073", "JKT-260412-0073"],
    ["jkt 260412 0073", "JKT-260412-0073"],
    ["JKT260412-0073", "JKT-260412-0073"],
    ["JKT2604120073", "JKT-260412-0073"],
    ["  jkt-260412-0073\n", "JKT-260412-0073"],
    ["JKT - 260412 - 0073", "JKT-260412-0073"],
    ["JKT.260412.0073", "JKT-260412-0073"],
    ["JKT/260412/0073", "JKT-260412-0073"],
    ["JKT_260412_0073", "JKT-260412-0073"],
    ["jkt--260412--0073", "JKT-260412-0073"],
    ["JKT-260412-12345", "JKT-260412-12345"],
    ["jkt 260412 12345", "JKT-260412-12345"],
  ])("%j -> %s", (input, expected) => {
    expect(normalizeTicket(input)).toBe(expected);
  });

  it.each([
    "",
    "   ",
    "JKT",
    "260412-0073",
    "JKT-2604-0073",
    "JKT-260412-73",
    "JKT-260412-1234567",
    "J-260412-0073",
    "JKT-26O412-0073", // letter O instead of zero
    "JKT-260412-0073'; DROP TABLE reports;--",
    "' OR '1'='1",
    "JKT-260412-0073 OR 1=1",
    "<script>alert(1)</script>",
    "<b>JKT-260412-0073</b>",
    "JKT-260412-0073%00",
    "CEK JKT-260412-0073", // the SMS keyword is stripped by the SMS parser, not here
  ])("rejects %j", (input) => {
    expect(normalizeTicket(input)).toBeNull();
  });
});
