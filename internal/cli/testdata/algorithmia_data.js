// The Data API through Algorithmia's own npm client (package algorithmia),
// against a pipette server: node algorithmia_data.js MODULE_DIR ADDRESS KEY.
// It prints one JSON object of what it saw; the Go test judges it.
const algorithmia = require(process.argv[2]);
const client = algorithmia.client(process.argv[4], process.argv[3]);

const step = (f) => new Promise((resolve) => f(resolve));
const seen = {};

(async () => {
  const dir = client.dir("data://.my/npm_roundtrip");
  seen.create = await step((done) => dir.create((res) => done(res)));

  const text = client.file("data://.my/npm_roundtrip/hello.txt");
  seen.putText = await step((done) => text.put("hello from node", (res) => done(res)));
  const bin = client.file("data://.my/npm_roundtrip/bytes.bin");
  seen.putBinary = await step((done) => bin.put(Buffer.from([0, 1, 2, 0xff, 0x89, 0x50]), (res) => done(res)));

  seen.exists = await step((done) => text.exists((ok) => done(ok)));
  seen.missingExists = await step((done) => client.file("data://.my/npm_roundtrip/none").exists((ok) => done(ok)));

  const got = await step((done) => bin.get((err, data) => done({ err, data })));
  seen.getError = got.err;
  seen.getBinary = got.data ? Array.from(got.data) : null;
  seen.getString = await step((done) => text.getString((res) => done(res)));

  seen.listed = [];
  await step((done) => dir.forEach((err, item) => {
    if (err) { seen.listError = err; return; }
    seen.listed.push({ path: item.data_path, size: item.size, last_modified: item.last_modified });
  }).then(done));

  seen.deleteFile = await step((done) => text.delete((res) => done(res)));
  seen.existsAfterDelete = await step((done) => text.exists((ok) => done(ok)));
  seen.missingGet = await step((done) => text.get((err, data) => done({ err, data })));
  seen.deleteDir = await step((done) => dir.delete(true, (res) => done(res)));
  seen.dirExistsAfter = await step((done) => dir.exists((ok) => done(ok)));

  process.stdout.write(JSON.stringify(seen));
})().catch((e) => { console.error(e && e.stack || e); process.exit(1); });
