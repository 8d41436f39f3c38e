import { ImapFlow } from "imapflow";
const c = new ImapFlow({ host: "x", port: 1, secure: false, auth: { user: "a", pass: "b" } });
const x: number = c;
