// wllama 2.3.7 answers get_logits with one "glue" message (its src/glue/glue.ts): "GLUE", version
// 1, the name "glog_res", then each field as a u32 type and its value: success (bool, type 1),
// tokens (int array, 7: a u32 count, then int32s), probs (float array, 8). The two arrays are
// copied out as they lie; wllama's own decoder reads the 98,304 values one number at a time.
// null where the answer is laid out otherwise (another wllama): the caller asks the usual way.
const littleEndian = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;     // typed arrays' byte order
function glueRequest(top) {
  const bytes = new Uint8Array(24), view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode("GLUE"), 0); view.setUint32(4, 1, true);
  bytes.set(new TextEncoder().encode("glog_req"), 8);
  view.setUint32(16, 2, true); view.setInt32(20, top, true);            // top_k: an int (type 2)
  return bytes;
}
export async function glueLogits(w, top) {
  const proxy = w.proxy;
  if (!littleEndian || !proxy || typeof proxy.pushTask !== "function" || typeof proxy.taskId !== "number") return null;
  const answer = await proxy.pushTask({ verb: "wllama.action", args: ["get_logits", glueRequest(top)],
                                        callbackId: proxy.taskId++ });
  if (!(answer instanceof Uint8Array) || answer.byteLength < 40) return null;
  const view = new DataView(answer.buffer, answer.byteOffset, answer.byteLength);
  const text = (at, n) => String.fromCharCode(...answer.subarray(at, at + n));
  if (text(0, 4) !== "GLUE" || view.getUint32(4, true) !== 1 || text(8, 8) !== "glog_res") return null;
  const n = view.getUint32(28, true), probsAt = 32 + 4 * n + 8;
  if (view.getUint32(16, true) !== 1 || view.getUint32(24, true) !== 7 || answer.byteLength !== probsAt + 4 * n
      || view.getUint32(probsAt - 8, true) !== 8 || view.getUint32(probsAt - 4, true) !== n) return null;
  if (!view.getUint32(20, true)) throw new Error("the engine gave no distribution");
  const copy = (Type, at) => new Type(answer.buffer.slice(answer.byteOffset + at, answer.byteOffset + at + 4 * n));
  return { ids: copy(Int32Array, 32), probs: copy(Float32Array, probsAt) };
}
