package graph

// Application input: the kinds EdgeCanInvoke and EdgeCanReceive state that
// a principal can hand data to code that runs somewhere, or can receive
// what that code sends out. No input shows whether that code can be made
// to run the sender's code or to send a secret it holds. A walk therefore
// follows these kinds only when it assumes such application flaws, and
// then only as possible steps.

// AppInputKinds lists the edge kinds of application input.
var AppInputKinds = []EdgeKind{EdgeCanInvoke, EdgeCanReceive}

// AttrLoadsCode is the attribute of a Runtime that lists the S3 objects
// (arn:aws:s3:::bucket/key) its configuration loads and runs as code,
// such as a script its user data fetches or a page it serves.
const AttrLoadsCode = "loads_code"

// AttrInternetIngress is the attribute of a Runtime that the internet can
// send requests to: "open" when a security group on the way admits every
// address, "undecided" when the admitted addresses are not resolved.
// Attribute internet_ingress_via names the load balancer or "public_ip".
const AttrInternetIngress = "internet_ingress"

// AttrTriggeredBy is the attribute of a Lambda runtime that lists the ARNs
// of the queues, streams and topics whose messages invoke it.
const AttrTriggeredBy = "triggered_by"

// ViaLoadedCode is the via attribute of a CAN_INVOKE edge whose sender
// writes code that the runtime's configuration loads, rather than input
// to code that runs there.
const ViaLoadedCode = "loaded-code"

// ViaPodNetwork is the via attribute of a CAN_INVOKE edge from a
// Kubernetes workload to the cluster's pod network (K8sPodNetworkID).
// Any pod can open connections there, so the step assumes no flaw: it
// keeps its own confidence, and only the step from the network into a
// workload that a Service exposes assumes one.
const ViaPodNetwork = "pod-network"
