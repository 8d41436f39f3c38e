import { describe, expect, it } from "vitest";
import { normalizeEmail, normalizePhone } from "./contact.ts";

describe("contact normalization", () => {
  it("lower-cases and trims e-mail addresses", () => {
    expect(normalizeEmail("  Siti.Rahma@Example.CO.id ")).toBe("siti.rahma@example.co.id");
  });

  it.each([
    ["0812-3456-7890", "+6281234567890"],
    ["62 812 3456 7890", "+6281234567890"],
    ["+62 (812) 3456-7890", "+6281234567890"],
    ["+1 415 555 0100", "+14155550100"],
  ])("writes %s as %s", (input, e164) => {
    expect(normalizePhone(input)).toBe(e164);
  });
});
