package dev.memorag.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.memorag.app.cli.MemoragCli;
import dev.memorag.app.deploy.StrimziManifests;
import dev.memorag.ingest.chunking.ChunkEmbedJob;
import dev.memorag.ingest.chunking.ChunkJobConfig;
import dev.memorag.schemas.TopicCatalog;
import dev.memorag.schemas.TopicCatalog.TopicSpec;
import dev.memorag.settings.Settings;
import dev.memorag.settings.SettingsCatalogue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The files under {@code deploy/} parse, and use nothing the code does not have: every {@code MEMORAG_*} variable is
 * one the code reads, the Kafka resources are the generator's output for the topic catalog, ports, probes, commands,
 * images and the Flink job agree with the services and the Dockerfile.
 */
class DeployManifestsTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Path KUBERNETES = DEPLOY.resolve("kubernetes");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern VARIABLE = Pattern.compile("MEMORAG_[A-Z0-9_]+");
    /** The HTTP port variable of each service command that serves HTTP. */
    private static final Map<String, String> PORT_VARIABLE = Map.of(
            "ingest-service",
            "MEMORAG_INGEST_PORT",
            "query-service",
            "MEMORAG_HTTP_PORT",
            "worker",
            "MEMORAG_HEALTH_PORT");

    private record Manifest(Path file, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }
    }

    @Test
    void everyYamlFileParsesIntoKubernetesResources() {
        List<Path> files = yamlFiles();
        assertTrue(files.size() >= 7, "YAML files under deploy/: " + files);
        for (Manifest m : manifests()) {
            assertFalse(m.node().path("apiVersion").asText().isEmpty(), m.file() + ": a document without apiVersion");
            assertFalse(m.kind().isEmpty(), m.file() + ": a document without kind");
        }
        JsonNode kustomization = manifests().stream()
                .filter(m -> m.kind().equals("Kustomization"))
                .findFirst()
                .orElseThrow()
                .node();
        kustomization
                .path("resources")
                .forEach(r -> assertTrue(
                        Files.exists(KUBERNETES.resolve(r.asText())),
                        "kustomization lists a missing file: " + r.asText()));
    }

    @Test
    void everyVariableTheManifestsSetIsOneTheCodeReads() {
        Set<String> known = knownVariables();
        assertTrue(
                known.containsAll(Set.of(
                        "MEMORAG_BOOTSTRAP_SERVERS",
                        "MEMORAG_INSTANCE_ID",
                        "MEMORAG_ADMIN_TOKEN",
                        "MEMORAG_CHUNK_PARALLELISM",
                        "MEMORAG_SOCKET_MAX_AGE")),
                "variables read by the code: " + known);
        Set<String> used = new TreeSet<>();
        for (Manifest m : manifests()) {
            collectVariables(m.node(), used);
            if (m.kind().equals("ConfigMap") || m.kind().equals("Secret")) {
                Stream.of("data", "stringData")
                        .forEach(field -> m.node()
                                .path(field)
                                .fieldNames()
                                .forEachRemaining(key -> assertTrue(
                                        VARIABLE.matcher(key).matches(),
                                        m.file() + ": " + m.name() + " holds " + key + ", not a MEMORAG_* setting")));
            }
        }
        Set<String> unknown = new TreeSet<>(used);
        unknown.removeAll(known);
        assertTrue(unknown.isEmpty(), "manifests set variables no code reads: " + unknown);
        assertTrue(used.size() >= 15, "variables found in the manifests: " + used);
    }

    @Test
    void everyValueTheConfigMapsSetIsOneTheSettingsAccept() {
        for (Manifest m : kind("ConfigMap")) {
            Map<String, String> data = configMap(m.name());
            Settings settings = Settings.fromEnvironment(data);
            data.keySet()
                    .forEach(variable -> assertTrue(
                            settings.given(
                                    SettingsCatalogue.byVariable(variable).orElseThrow()),
                            m.name() + ": " + variable));
        }
    }

    @Test
    void kafkaResourcesAreTheGeneratorOutputForTheConfiguredCatalog() throws IOException {
        Map<String, String> common = configMap("memorag-common");
        TopicCatalog topics = TopicCatalog.of(Settings.fromEnvironment(common));
        assertEquals(
                StrimziManifests.kafka(topics),
                Files.readString(KUBERNETES.resolve("kafka.yaml")),
                "deploy/kubernetes/kafka.yaml is stale: regenerate it with MEMORAG_PARTITIONS=" + topics.partitions()
                        + " bin/memorag deploy kafka > deploy/kubernetes/kafka.yaml");
        assertEquals(StrimziManifests.bootstrapServers(), common.get("MEMORAG_BOOTSTRAP_SERVERS"));

        Map<String, JsonNode> declared = new TreeMap<>();
        kind("KafkaTopic")
                .forEach(m -> declared.put(
                        m.node().path("spec").path("topicName").asText(),
                        m.node().path("spec")));
        Map<String, TopicSpec> catalog = new TreeMap<>();
        topics.all().forEach(t -> catalog.put(t.name(), t));
        assertEquals(catalog.keySet(), declared.keySet());
        catalog.forEach((name, spec) -> {
            assertEquals(
                    spec.partitions(), declared.get(name).path("partitions").asInt(), name);
            Map<String, String> configs = new HashMap<>();
            declared.get(name)
                    .path("config")
                    .properties()
                    .forEach(e -> configs.put(e.getKey(), e.getValue().asText()));
            assertEquals(spec.configs(), configs, name);
        });
    }

    @Test
    void servicesRunRealCommandsOnTheirConfiguredPortsWithProbesTheyServe() {
        Set<String> commands = MemoragCli.commandLine().getSubcommands().keySet();
        Map<String, Set<String>> portNamesByApp = new HashMap<>();
        for (Manifest m : workloads()) {
            JsonNode pod = m.node().path("spec").path("template");
            for (JsonNode container : pod.path("spec").path("containers")) {
                String command = container.path("args").path(0).asText();
                assertTrue(commands.contains(command), m.name() + " runs an unknown command: " + command);
                Map<String, String> env = environment(container);
                Set<String> names = new HashSet<>();
                for (JsonNode port : container.path("ports")) {
                    names.add(port.path("name").asText());
                    String variable = PORT_VARIABLE.get(command);
                    assertTrue(variable != null, m.name() + " (" + command + ") serves no HTTP but declares a port");
                    assertEquals(
                            env.get(variable),
                            port.path("containerPort").asText(),
                            m.name() + ": containerPort vs " + variable);
                }
                for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                    JsonNode get = container.path(probe).path("httpGet");
                    if (!get.isMissingNode()) {
                        assertTrue(
                                Set.of("/health", "/ready")
                                        .contains(get.path("path").asText()),
                                m.name() + probe);
                        assertTrue(names.contains(get.path("port").asText()), m.name() + " probes an unknown port");
                    }
                }
                portNamesByApp.put(
                        pod.path("metadata")
                                .path("labels")
                                .path("app.kubernetes.io/name")
                                .asText(),
                        names);
            }
        }
        for (Manifest service : kind("Service")) {
            Set<String> names = portNamesByApp.get(service.node()
                    .path("spec")
                    .path("selector")
                    .path("app.kubernetes.io/name")
                    .asText());
            assertTrue(names != null, service.name() + " selects no workload");
            service.node()
                    .path("spec")
                    .path("ports")
                    .forEach(p -> assertTrue(
                            names.contains(p.path("targetPort").asText()),
                            service.name() + " targets an unknown port"));
        }
        Set<String> deployments = new HashSet<>();
        kind("Deployment").forEach(d -> deployments.add(d.name()));
        kind("HorizontalPodAutoscaler")
                .forEach(h -> assertTrue(
                        deployments.contains(h.node()
                                .path("spec")
                                .path("scaleTargetRef")
                                .path("name")
                                .asText()),
                        h.name()));
    }

    @Test
    void ingestReplicasAdvertiseTheAddressTheOthersForwardStatusCallsTo() {
        Manifest ingest = kind("Deployment").stream()
                .filter(m -> m.name().equals("memorag-ingest"))
                .findFirst()
                .orElseThrow();
        assertTrue(ingest.node().path("spec").path("replicas").asInt() > 1, "the ingest service runs several replicas");
        JsonNode container = ingest.node()
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .path(0);
        assertEquals("status.podIP", fieldRef(container, "MEMORAG_ADVERTISED_HOST"));
    }

    @Test
    void workersAreAStatefulSetWithStaticMembershipAGpuAndAVolumeForTheirState() {
        Manifest worker = kind("StatefulSet").stream()
                .filter(m -> m.name().equals("memorag-worker"))
                .findFirst()
                .orElseThrow();
        JsonNode container = worker.node()
                .path("spec")
                .path("template")
                .path("spec")
                .path("containers")
                .path(0);
        assertEquals("worker", container.path("args").path(0).asText());
        assertEquals("metadata.name", fieldRef(container, "MEMORAG_INSTANCE_ID"));
        assertTrue(container.path("resources").path("limits").has("nvidia.com/gpu"));
        String claim = worker.node()
                .path("spec")
                .path("volumeClaimTemplates")
                .path(0)
                .path("metadata")
                .path("name")
                .asText();
        String dataDir = environment(container).get("MEMORAG_DATA_DIR");
        boolean mounted = false;
        for (JsonNode mount : container.path("volumeMounts")) {
            mounted |= mount.path("name").asText().equals(claim)
                    && mount.path("mountPath").asText().equals(dataDir);
        }
        assertTrue(mounted, "the volume claim '" + claim + "' is mounted at MEMORAG_DATA_DIR " + dataDir);
    }

    @Test
    void theFlinkJobRunsTheChunkJobWithAParallelismThatDividesThePartitions() throws IOException {
        Manifest flink = kind("FlinkDeployment").get(0);
        JsonNode job = flink.node().path("spec").path("job");
        assertEquals(ChunkEmbedJob.class.getName(), job.path("entryClass").asText());
        int parallelism = job.path("parallelism").asInt();
        Map<String, String> chunker = configMap("memorag-chunker");
        assertEquals(
                ChunkJobConfig.of(Settings.fromEnvironment(chunker)).parallelism(),
                parallelism,
                "spec.job.parallelism vs MEMORAG_CHUNK_PARALLELISM (the job sets its own)");
        assertEquals(0, Integer.parseInt(configMap("memorag-common").get("MEMORAG_PARTITIONS")) % parallelism);
        String jar =
                Path.of(job.path("jarURI").asText().replace("local://", "")).toString();
        assertTrue(
                Files.readString(DEPLOY.resolve("docker").resolve("Dockerfile")).contains(jar),
                "the Dockerfile's flink-job image puts the jar at " + jar);
    }

    @Test
    void everyImageIsATargetOfTheDockerfile() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("docker").resolve("Dockerfile"));
        List<String> images = new ArrayList<>();
        workloads()
                .forEach(m -> m.node()
                        .path("spec")
                        .path("template")
                        .path("spec")
                        .path("containers")
                        .forEach(c -> images.add(c.path("image").asText())));
        kind("FlinkDeployment")
                .forEach(m -> images.add(m.node().path("spec").path("image").asText()));
        assertEquals(4, images.size(), "images: " + images);
        for (String image : images) {
            Matcher m = Pattern.compile("memorag/([a-z-]+):.+").matcher(image);
            assertTrue(m.matches(), "image " + image);
            assertTrue(dockerfile.contains(" AS " + m.group(1) + "\n"), "no Dockerfile target for " + image);
        }
    }

    /** Every variable a process reads: the settings registry's. */
    private static Set<String> knownVariables() {
        Set<String> known = new TreeSet<>();
        SettingsCatalogue.all().forEach(s -> known.add(s.env()));
        return known;
    }

    private static void collectVariables(JsonNode node, Set<String> into) {
        node.fieldNames().forEachRemaining(name -> find(name, into));
        if (node.isTextual()) {
            find(node.asText(), into);
        }
        node.elements().forEachRemaining(child -> collectVariables(child, into));
    }

    private static void find(String text, Set<String> into) {
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            into.add(m.group());
        }
    }

    /** What a container's process sees: its ConfigMaps' data, then its own plain env values. */
    /** The pod field a container's variable is taken from ({@code valueFrom.fieldRef}). */
    private static String fieldRef(JsonNode container, String variable) {
        for (JsonNode e : container.path("env")) {
            if (e.path("name").asText().equals(variable)) {
                return e.path("valueFrom").path("fieldRef").path("fieldPath").asText();
            }
        }
        throw new AssertionError(
                variable + " is not set in container " + container.path("name").asText());
    }

    private static Map<String, String> environment(JsonNode container) {
        Map<String, String> env = new HashMap<>();
        container
                .path("envFrom")
                .forEach(from -> env.putAll(
                        configMap(from.path("configMapRef").path("name").asText())));
        container
                .path("env")
                .forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    private static Map<String, String> configMap(String name) {
        Manifest map = kind("ConfigMap").stream()
                .filter(m -> m.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
        Map<String, String> data = new HashMap<>();
        map.node()
                .path("data")
                .properties()
                .forEach(e -> data.put(e.getKey(), e.getValue().asText()));
        return data;
    }

    private static List<Manifest> workloads() {
        List<Manifest> workloads = new ArrayList<>(kind("Deployment"));
        workloads.addAll(kind("StatefulSet"));
        return workloads;
    }

    private static List<Manifest> kind(String kind) {
        return manifests().stream().filter(m -> m.kind().equals(kind)).toList();
    }

    private static List<Manifest> manifests() {
        List<Manifest> all = new ArrayList<>();
        for (Path file : yamlFiles()) {
            try {
                for (JsonNode node : YAML.readerFor(JsonNode.class)
                        .<JsonNode>readValues(file.toFile())
                        .readAll()) {
                    if (node != null && !node.isNull()) {
                        all.add(new Manifest(file, node));
                    }
                }
            } catch (IOException e) {
                throw new AssertionError(file + " does not parse: " + e.getMessage(), e);
            }
        }
        return all;
    }

    private static List<Path> yamlFiles() {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(
                            f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
