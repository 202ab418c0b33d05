// Reads a JSON array of iam-simulate simulations on stdin and prints, for
// each, its overall result or its validation error, as a JSON array.
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const sims = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const out = []
for (const sim of sims) {
  try {
    const res = await runSimulation(sim, {})
    if (res.resultType === 'error') {
      out.push({ error: JSON.stringify(res.errors).slice(0, 400) })
    } else {
      out.push({ result: res.overallResult })
    }
  } catch (e) {
    out.push({ error: String(e).slice(0, 400) })
  }
}
process.stdout.write(JSON.stringify(out))
