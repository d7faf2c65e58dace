package dev.memorag.ingest.chunking;

import dev.memorag.schemas.AdmittedDocument;
import dev.memorag.schemas.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Passes usable documents on and sends refusals to the {@link #REFUSED} side output, counting them. */
public final class SplitRefusals extends ProcessFunction<ChunkerInput, AdmittedDocument> {
    private static final Logger log = LoggerFactory.getLogger(SplitRefusals.class);
    public static final OutputTag<Refusal> REFUSED = new OutputTag<>("refused", TypeInformation.of(Refusal.class));

    private transient Counter deadLetters;

    @Override
    public void open(OpenContext context) {
        deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    }

    @Override
    public void processElement(ChunkerInput input, Context ctx, Collector<AdmittedDocument> out) {
        if (input.document() != null) {
            out.collect(input.document());
            return;
        }
        DeadLetter reason = input.refusal().reason();
        log.warn(
                "{} dead-letters {}-{}@{}: {} {}",
                reason.stage(),
                reason.sourceTopic(),
                reason.sourcePartition(),
                reason.sourceOffset(),
                reason.code(),
                reason.message());
        deadLetters.inc();
        ctx.output(REFUSED, input.refusal());
    }
}
