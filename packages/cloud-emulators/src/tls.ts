import { generate } from "selfsigned";

export interface TlsMaterial {
  key: string;
  cert: string;
}

/**
 * A certificate for 127.0.0.1/localhost made for this run. The Azure SDK refuses to send a
 * bearer token over plain http, so its emulator serves https; clients trust this cert through
 * their TLS options (or NODE_EXTRA_CA_CERTS), keeping the SDK's real token policy in play.
 */
export async function createLoopbackTls(): Promise<TlsMaterial> {
  // selfsigned 5 takes a validity window instead of a number of days; start a minute back so a
  // client clock a little behind still accepts the certificate.
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + 2 * 86_400_000);
  const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keySize: 2048,
    notBeforeDate,
    notAfterDate,
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
