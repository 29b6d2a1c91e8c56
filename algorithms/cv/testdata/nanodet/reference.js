// Runs NanoDet-g-416 (algorithms/cv/weights/nanodet) with TensorFlow.js on
// its pure-JavaScript CPU backend — no native tfjs-node — and writes
// reference.json: what cv/ObjectDetection must find in the test images,
// within 2 px and 0.01 of score (TestObjectDetectionMatchesTFJS).
//
// The pre- and post-processing are the ones pipette implements (see
// algorithms/cv/nanodet.go and docs/object_detection.md), written here
// independently on tfjs ops: the photo centred in a black square,
// tf.image.resizeBilinear to 416×416, BGR, ImageNet mean and deviation,
// NCHW; per cell and class above min_score, box sides at the softmax
// expectation of 11 distance bins × the stride from the cell's centre;
// non-maximum suppression per class at IoU 0.6; boxes mapped back to the
// photo and rounded.
//
// Usage: npm ci && npm run reference   (about 15 s per image)
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs');
require('@tensorflow/tfjs-backend-cpu');
const { PNG } = require('pngjs');
const jpeg = require('jpeg-js');

const weights = path.join(__dirname, '../../weights/nanodet');
const images = path.join(__dirname, '../../../testdata/images');
const MIN_SCORE = 0.2;
const MAX_RESULTS = 100;
const SIZE = 416;
const BINS = 11;
const IOU = 0.6;
const MEAN = [103.53, 116.28, 123.675]; // B, G, R
const STD = [57.375, 57.12, 58.395];
const LEVELS = [[8, 'Identity:0', 'Identity_3:0'], [16, 'Identity_1:0', 'Identity_4:0'], [32, 'Identity_2:0', 'Identity_5:0']];
const LABELS = ['person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat',
  'traffic light', 'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog',
  'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella',
  'handbag', 'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite',
  'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant',
  'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone',
  'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors',
  'teddy bear', 'hair drier', 'toothbrush'];

async function loadModel() {
  const model = JSON.parse(fs.readFileSync(path.join(weights, 'nanodet.json')));
  const bin = fs.readFileSync(path.join(weights, 'nanodet.bin'));
  return tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: model.modelTopology,
    weightSpecs: model.weightsManifest[0].weights,
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
  }));
}

// readRGB decodes a PNG or JPEG into 8-bit RGB, alpha dropped.
function readRGB(file) {
  const data = fs.readFileSync(file);
  const img = file.endsWith('.png') ? PNG.sync.read(data) : jpeg.decode(data, { useTArray: true });
  const rgb = new Float32Array(img.width * img.height * 3);
  for (let i = 0; i < img.width * img.height; i++) {
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = img.data[i * 4 + c];
  }
  return { width: img.width, height: img.height, rgb };
}

function preprocess(img) {
  const side = Math.max(img.width, img.height);
  const ox = Math.floor((side - img.width) / 2);
  const oy = Math.floor((side - img.height) / 2);
  const input = tf.tidy(() => {
    const photo = tf.tensor4d(img.rgb, [1, img.height, img.width, 3]);
    const square = tf.pad(photo, [[0, 0], [oy, side - img.height - oy], [ox, side - img.width - ox], [0, 0]]);
    const resized = tf.image.resizeBilinear(square, [SIZE, SIZE], false, false);
    const bgr = tf.reverse(resized, -1);
    const normalised = tf.div(tf.sub(bgr, tf.tensor1d(MEAN)), tf.tensor1d(STD));
    return tf.transpose(normalised, [0, 3, 1, 2]);
  });
  return { input, side, ox, oy };
}

// distances: the softmax expectation of each side's 11 bins, in pixels.
function distances(logits, at, stride) {
  const d = [];
  for (let side = 0; side < 4; side++) {
    const bins = Array.from(logits.subarray(at + side * BINS, at + (side + 1) * BINS));
    const peak = Math.max(...bins);
    let sum = 0;
    let expected = 0;
    bins.forEach((v, i) => {
      const e = Math.exp(v - peak);
      sum += e;
      expected += i * e;
    });
    d.push(expected / sum * stride);
  }
  return d;
}

function decode(stride, scores, logits) {
  const cols = SIZE / stride;
  const clamp = (v) => Math.min(Math.max(v, 0), SIZE);
  const found = [];
  for (let cell = 0; cell < scores.length / LABELS.length; cell++) {
    const cx = (cell % cols + 0.5) * stride;
    const cy = (Math.floor(cell / cols) + 0.5) * stride;
    let d = null;
    for (let c = 0; c < LABELS.length; c++) {
      const score = scores[cell * LABELS.length + c];
      if (!(score > MIN_SCORE)) continue;
      d = d || distances(logits, cell * 4 * BINS, stride);
      found.push({ c, score, x0: clamp(cx - d[0]), y0: clamp(cy - d[1]), x1: clamp(cx + d[2]), y1: clamp(cy + d[3]) });
    }
  }
  return found;
}

function iou(a, b) {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  const area = (r) => Math.max(r.x1 - r.x0, 0) * Math.max(r.y1 - r.y0, 0);
  return w * h / (area(a) + area(b) - w * h);
}

function suppress(found) {
  const kept = [];
  for (let c = 0; c < LABELS.length; c++) {
    const mine = [];
    found.filter((f) => f.c === c).sort((a, b) => b.score - a.score).forEach((f) => {
      if (!mine.some((k) => iou(f, k) > IOU)) mine.push(f);
    });
    kept.push(...mine);
  }
  return kept.sort((a, b) => (b.score - a.score) || (a.c - b.c)).slice(0, MAX_RESULTS);
}

function toPixels(f, img, pre) {
  const map = (v, off, limit) => Math.round(Math.min(Math.max(v * pre.side / SIZE - off, 0), limit));
  const x0 = map(f.x0, pre.ox, img.width);
  const y0 = map(f.y0, pre.oy, img.height);
  const x1 = map(f.x1, pre.ox, img.width);
  const y1 = map(f.y1, pre.oy, img.height);
  if (!(x1 > x0 && y1 > y0)) return null;
  return { label: LABELS[f.c], class_id: f.c, score: f.score, box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } };
}

async function main() {
  await tf.setBackend('cpu');
  const model = await loadModel();
  const names = ['astronaut.png', 'camera.png', 'chelsea.png', 'coffee.png', 'rocket.jpg', 'text.png'];
  const out = {
    generator: 'algorithms/cv/testdata/nanodet/reference.js',
    tfjs: tf.version.tfjs,
    backend: tf.getBackend(),
    min_score: MIN_SCORE,
    max_results: MAX_RESULTS,
    images: [],
  };
  for (const name of names) {
    const img = readRGB(path.join(images, name));
    const pre = preprocess(img);
    const outputs = model.execute(pre.input, LEVELS.flatMap((l) => [l[1], l[2]]));
    let found = [];
    LEVELS.forEach((l, i) => {
      found = found.concat(decode(l[0], outputs[2 * i].dataSync(), outputs[2 * i + 1].dataSync()));
    });
    const objects = suppress(found).map((f) => toPixels(f, img, pre)).filter((o) => o);
    tf.dispose([pre.input, ...outputs]);
    out.images.push({ file: name, width: img.width, height: img.height, objects });
    console.error(`${name}: ${objects.map((o) => `${o.label} ${o.score.toFixed(3)}`).join(', ')}`);
  }
  fs.writeFileSync(path.join(__dirname, 'reference.json'), JSON.stringify(out, null, 1) + '\n');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
