// Exports one span with the official OpenTelemetry JS SDK to the OTLP/HTTP URL in
// argv[2], and prints its ids: proves the harness receiver reads what real SDKs send.
const { BasicTracerProvider, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');

const exporter = new OTLPTraceExporter({ url: process.argv[2] });
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('mcp-harness-interop');
const span = tracer.startSpan('tools/call echo_v1', {
  kind: 1, // SERVER in the JS API's SpanKind enum
  attributes: { 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'echo_v1', 'jsonrpc.request.id': '7' },
});
span.end();
provider.forceFlush()
  .then(() => provider.shutdown())
  .then(() => console.log(JSON.stringify({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId })))
  .catch((e) => { console.error(e); process.exit(1); });
