import { describe, expect, it } from "vitest";
import { channelsForAlert, parseOrganizationChannels } from "./channels.ts";

describe("organization notification channels", () => {
  const settings = {
    notification_channels: {
      ops: { type: "webhook", url: "https://hooks.example/ops", secret: "0123456789abcdef" },
      chat: { type: "slack", url: "https://hooks.example/slack", min_severity: "critical" },
      oncall: { type: "email", to: ["oncall@example.com"], alert_types: ["wedding_day_critical"] },
      broken: { type: "webhook", url: "ftp://nope", secret: "short" },
    },
  };
  const config = parseOrganizationChannels(settings);

  it("keeps valid channels and sets aside a wrong one with its reasons, never its secret", () => {
    expect([...config.channels.keys()]).toEqual(["ops", "chat", "oncall"]);
    const reason = config.invalid.get("broken")!;
    expect(reason).toMatch(/url: must be an http\(s\) URL/);
    expect(reason).toMatch(/secret: must be at least 16 characters/);
    expect(reason).not.toContain("short");
  });

  const cases: [string, Parameters<typeof channelsForAlert>[1], string[]][] = [
    ["a warning goes to unfiltered channels only", { alertType: "resource_health", severity: "warning" }, ["ops"]],
    ["a critical one also to the channel from critical up", { alertType: "capacity_planning", severity: "critical" }, ["ops", "chat"]],
    ["a wedding-day emergency to all three", { alertType: "wedding_day_critical", severity: "emergency" }, ["ops", "chat", "oncall"]],
  ];
  it.each(cases)("%s", (_, alert, names) => {
    expect(channelsForAlert(config, alert)).toEqual(names);
  });

  it("falls back to the design document's [\"email\"] when nothing is configured", () => {
    expect(channelsForAlert(parseOrganizationChannels({}), { alertType: "resource_health", severity: "critical" })).toEqual(["email"]);
  });
});
