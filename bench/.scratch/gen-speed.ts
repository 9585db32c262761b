import { copyLine } from "../src/copy.ts";
import { Estate } from "../src/estate.ts";
import { sampleFields, sampleMetrics } from "../src/steps/history.ts";
const ctx = { estate: new Estate(1, 20000) } as any;
const t = performance.now(); let n = 0; let bytes = 0;
for (let i = 0; i < 20000; i++) for (let j = 0; j < 25; j++) { const l = copyLine(sampleFields("6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c", "6f1c2a3b-0d4e-4f5a-9b8c-7d6e5f4a3b2c", new Date(), sampleMetrics(ctx, i, j, "aws"))); n++; bytes += l.length; }
const s = (performance.now() - t) / 1000;
console.log({ rowsPerS: Math.round(n / s), bytesPerRow: bytes / n });
