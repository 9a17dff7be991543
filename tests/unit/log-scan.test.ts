import { describe, expect, it } from "vitest";
import { findLeaks } from "@/tests/helpers/logs";

describe("the end-of-run log scan", () => {
  const secrets = [
    { kind: "password" as const, value: "correct horse battery" },
    { kind: "totp-secret" as const, value: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" },
  ];

  it("finds a recorded secret anywhere in a line, and reports its kind and place, not its value", () => {
    const leaks = findLeaks(
      [{ file: "worker-1.log", lines: ['{"msg":"fine"}', '{"msg":"oops","detail":"pw=correct horse battery"}', '{"msg":"enrolled","s":"JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}'] }],
      secrets,
    );
    expect(leaks).toEqual([
      { kind: "password", file: "worker-1.log", line: 2, message: "oops" },
      { kind: "totp-secret", file: "worker-1.log", line: 3, message: "enrolled" },
    ]);
    expect(JSON.stringify(leaks)).not.toContain("correct horse battery");
  });

  it("finds any full API key even when no test recorded it, but not a key's public prefix", () => {
    const key = `mh_0a1b2c3d_${"Q".repeat(43)}`;
    expect(findLeaks([{ file: "w.log", lines: [`{"msg":"auth","header":"Bearer ${key}"}`] }], [])).toHaveLength(1);
    expect(findLeaks([{ file: "w.log", lines: ['{"msg":"key created","prefix":"mh_0a1b2c3d"}'] }], [])).toEqual([]);
  });

  it("passes clean logs", () => {
    expect(findLeaks([{ file: "w.log", lines: ['{"msg":"request","status":200}', "not json at all"] }], secrets)).toEqual([]);
  });
});
