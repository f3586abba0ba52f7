package io.promethium.exporter.node.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.promethium.api.model.MetricType;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every collector on fixture copies of /proc and /sys (src/test/resources/fixtures), through the flags' paths. */
class TestCollectors {

    @TempDir
    Path root;

    private final Map<String, String> flags = new HashMap<>();

    @BeforeEach
    void copyFixtures() throws IOException, URISyntaxException {
        Path fixtures = Path.of(TestCollectors.class.getResource("/fixtures").toURI());
        try (Stream<Path> files = Files.walk(fixtures)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = root.resolve(fixtures.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        flag("path.procfs", root.resolve("proc").toString());
        flag("path.sysfs", root.resolve("sys").toString());
        flag("path.rootfs", root.resolve("root").toString());
        flag("path.udev.data", root.resolve("udev").toString());
        flag("collector.textfile.directory", root.resolve("textfile").toString());
    }

    private void flag(String name, String value) {
        flags.put(NodeSettings.PROPERTY_PREFIX + name, value);
    }

    private PageRecorder scrape() {
        PageRecorder page = new PageRecorder();
        new NodeExporter(NodeSettings.from(flags::get)).collect(page);
        return page;
    }

    @Test
    void everyCollectorSucceedsOnTheFixtures() {
        PageRecorder page = scrape();
        for (String c : NodeSettings.COLLECTORS) {
            assertThat(page.value("node_scrape_collector_success{collector=\"" + c + "\"}")).as(c).isEqualTo(1.0);
        }
        assertThat(page.families.get("node_scrape_collector_duration_seconds").samples).hasSize(NodeSettings.COLLECTORS.size());
    }

    @Test
    void cpuStatLoadAndMemoryValuesAreScaledAsNodeExporterScalesThem() {
        PageRecorder page = scrape();
        assertThat(page.value("node_cpu_seconds_total{cpu=\"0\", mode=\"user\"}")).isEqualTo(10.0);
        assertThat(page.value("node_cpu_seconds_total{cpu=\"1\", mode=\"steal\"}")).isEqualTo(0.02);
        assertThat(page.value("node_cpu_guest_seconds_total{cpu=\"0\", mode=\"user\"}")).isEqualTo(0.07);
        assertThat(page.value("node_cpu_guest_seconds_total{cpu=\"0\", mode=\"nice\"}")).isEqualTo(0.02);
        assertThat(page.value("node_cpu_core_throttles_total{core=\"0\", package=\"0\"}")).isEqualTo(5.0);
        assertThat(page.value("node_cpu_package_throttles_total{package=\"0\"}")).isEqualTo(7.0);
        assertThat(page.families.get("node_cpu_seconds_total").type).isEqualTo(MetricType.COUNTER);
        assertThat(page.value("node_intr_total{}")).isEqualTo(123456.0);
        assertThat(page.value("node_boot_time_seconds{}")).isEqualTo(1.7e9);
        assertThat(page.value("node_procs_blocked{}")).isEqualTo(1.0);
        assertThat(page.value("node_load5{}")).isEqualTo(1.5);
        assertThat(page.value("node_load15{}")).isEqualTo(2.75);
        assertThat(page.value("node_memory_MemTotal_bytes{}")).isEqualTo(8000000.0 * 1024);
        assertThat(page.value("node_memory_Active_anon_bytes{}")).isEqualTo(200000.0 * 1024);
        assertThat(page.value("node_memory_HugePages_Total{}")).isEqualTo(0.0);
        assertThat(page.families.get("node_memory_Active_anon_bytes").help).isEqualTo("Memory information field Active_anon_bytes.");
        assertThat(page.value("node_vmstat_pgfault{}")).isEqualTo(5000.0);
        assertThat(page.families).doesNotContainKey("node_vmstat_nr_free_pages");
    }

    @Test
    void networkCollectorsFollowTheDeviceFiltersAndFieldPatterns() {
        PageRecorder page = scrape();
        assertThat(page.value("node_network_receive_bytes_total{device=\"eth0\"}")).isEqualTo(123456789.0);
        assertThat(page.value("node_network_transmit_compressed_total{device=\"eth0\"}")).isEqualTo(12.0);
        assertThat(page.value("node_network_receive_nohandler_total{device=\"eth0\"}")).isEqualTo(3.0);
        assertThat(page.value("node_network_receive_bytes_total{device=\"lo\"}")).as("lo excluded by default").isNull();
        assertThat(page.value("node_network_flags{device=\"eth0\"}")).isEqualTo(4099.0);
        assertThat(page.value("node_network_speed_bytes{device=\"eth0\"}")).isEqualTo(125000000.0);
        assertThat(page.value("node_network_up{device=\"eth0\"}")).isEqualTo(1.0);
        assertThat(page.value("node_network_info{address=\"02:00:00:00:00:01\", broadcast=\"ff:ff:ff:ff:ff:ff\", "
                + "device=\"eth0\", duplex=\"full\", operstate=\"up\"}")).isEqualTo(1.0);
        assertThat(page.families.get("node_network_carrier_changes_total").type).isEqualTo(MetricType.COUNTER);
        assertThat(page.value("node_netstat_TcpExt_ListenDrops{}")).isEqualTo(2.0);
        assertThat(page.value("node_netstat_Tcp_CurrEstab{}")).isEqualTo(3.0);
        assertThat(page.value("node_netstat_Ip6_InOctets{}")).isEqualTo(400.0);
        assertThat(page.value("node_netstat_UdpLite6_InErrors{}")).isEqualTo(0.0);
        assertThat(page.families).doesNotContainKey("node_netstat_Tcp_MaxConn").doesNotContainKey("node_netstat_TcpExt_PruneCalled");
        assertThat(page.families.get("node_netstat_Ip_Forwarding").help).isEqualTo("Statistic IpForwarding.");
        assertThat(page.value("node_sockstat_TCP_mem_bytes{}")).isEqualTo(56.0 * PageSize.bytes(Path.of("/proc")));
        assertThat(page.value("node_sockstat_UDP6_inuse{}")).isEqualTo(2.0);
        assertThat(page.value("node_sockstat_sockets_used{}")).isEqualTo(22.0);
        assertThat(page.value("node_softnet_processed_total{cpu=\"1\"}")).isEqualTo(255.0);
        assertThat(page.value("node_arp_entries{device=\"eth0\"}")).isEqualTo(2.0);
        assertThat(page.value("node_nf_conntrack_stat_search_restart{}")).isEqualTo(18.0);
        assertThat(page.value("node_nf_conntrack_entries_limit{}")).isEqualTo(65536.0);
    }

    @Test
    void filtersComeFromFlags() {
        flag("collector.netdev.device-include", "^lo$");
        flag("collector.arp.device-exclude", "^eth0$");
        flag("collector.vmstat.fields", "^nr_.*");
        PageRecorder page = scrape();
        assertThat(page.value("node_network_receive_bytes_total{device=\"lo\"}")).isEqualTo(1000.0);
        assertThat(page.value("node_network_receive_bytes_total{device=\"eth0\"}")).isNull();
        assertThat(page.value("node_arp_entries{device=\"eth0\"}")).isNull();
        assertThat(page.value("node_vmstat_nr_dirty{}")).isEqualTo(3.0);
        assertThat(page.families).doesNotContainKey("node_vmstat_pgfault");
    }

    @Test
    void diskstatsSkipsPartitionsAndScalesSectorsAndMilliseconds() {
        PageRecorder page = scrape();
        assertThat(page.value("node_disk_read_bytes_total{device=\"vda\"}")).isEqualTo(3000.0 * 512);
        assertThat(page.value("node_disk_read_time_seconds_total{device=\"vda\"}")).isEqualTo(0.04);
        assertThat(page.value("node_disk_flush_requests_time_seconds_total{device=\"vda\"}")).isEqualTo(0.06);
        assertThat(page.value("node_disk_io_now{device=\"vda\"}")).isEqualTo(1.0);
        assertThat(page.value("node_disk_reads_completed_total{device=\"vda1\"}")).as("partition excluded").isNull();
        assertThat(page.value("node_disk_reads_completed_total{device=\"loop0\"}")).isNull();
        assertThat(page.value("node_disk_reads_completed_total{device=\"sda\"}")).as("older kernel: 11 fields").isEqualTo(10.0);
        assertThat(page.value("node_disk_discards_completed_total{device=\"sda\"}")).isNull();
        assertThat(page.value("node_disk_info{device=\"vda\", major=\"254\", minor=\"0\"}")).isEqualTo(1.0);
    }

    @Test
    void sysfsCollectorsReadHwmonThermalEdacCpufreqAndClocksources() {
        PageRecorder page = scrape();
        assertThat(page.value("node_hwmon_temp_celsius{chip=\"coretemp\", sensor=\"temp1\"}")).isEqualTo(45.0);
        assertThat(page.value("node_hwmon_temp_crit_celsius{chip=\"coretemp\", sensor=\"temp1\"}")).isEqualTo(100.0);
        assertThat(page.families.get("node_hwmon_temp_celsius").help).isEqualTo("Hardware monitor for temperature (input)");
        assertThat(page.value("node_hwmon_sensor_label{chip=\"coretemp\", label=\"Package id 0\", sensor=\"temp1\"}")).isEqualTo(1.0);
        assertThat(page.value("node_hwmon_fan_rpm{chip=\"coretemp\", sensor=\"fan1\"}")).isEqualTo(1200.0);
        assertThat(page.value("node_hwmon_in_volts{chip=\"coretemp\", sensor=\"in0\"}")).isEqualTo(1.1);
        assertThat(page.value("node_hwmon_power_average_watt{chip=\"coretemp\", sensor=\"power1\"}")).isEqualTo(15.0);
        assertThat(page.value("node_hwmon_chip_names{chip=\"coretemp\", chip_name=\"coretemp\"}")).isEqualTo(1.0);
        assertThat(page.value("node_thermal_zone_temp{type=\"x86_pkg_temp\", zone=\"0\"}")).isEqualTo(42.5);
        assertThat(page.value("node_cooling_device_max_state{name=\"0\", type=\"Processor\"}")).isEqualTo(3.0);
        assertThat(page.value("node_edac_correctable_errors_total{controller=\"0\"}")).isEqualTo(1.0);
        assertThat(page.value("node_edac_csrow_correctable_errors_total{controller=\"0\", csrow=\"unknown\"}")).isEqualTo(3.0);
        assertThat(page.value("node_edac_csrow_uncorrectable_errors_total{controller=\"0\", csrow=\"0\"}")).isEqualTo(6.0);
        assertThat(page.value("node_cpu_frequency_hertz{cpu=\"0\"}")).isEqualTo(2.4e9);
        assertThat(page.value("node_cpu_scaling_frequency_min_hertz{cpu=\"0\"}")).isEqualTo(8e8);
        assertThat(page.value("node_cpu_scaling_governor{cpu=\"0\", governor=\"powersave\"}")).isEqualTo(1.0);
        assertThat(page.value("node_cpu_scaling_governor{cpu=\"0\", governor=\"performance\"}")).isEqualTo(0.0);
        assertThat(page.value("node_time_clocksource_available_info{clocksource=\"hpet\", device=\"0\"}")).isEqualTo(1.0);
        assertThat(page.value("node_time_clocksource_current_info{clocksource=\"tsc\", device=\"0\"}")).isEqualTo(1.0);
    }

    @Test
    void aHwmonChipIsNamedByItsDeviceBusAndNameAsNodeExporterNamesIt() throws IOException {
        Path device = Files.createDirectories(root.resolve("sys/devices/platform/coretemp.0"));
        Path hwmon = Files.createDirectories(root.resolve("sys/class/hwmon/hwmon1"));
        Files.createSymbolicLink(hwmon.resolve("device"), device);
        Files.writeString(hwmon.resolve("name"), "coretemp\n");
        Files.writeString(hwmon.resolve("temp2_input"), "51000\n");
        Files.writeString(hwmon.resolve("update_interval"), "1000\n");
        PageRecorder page = scrape();
        assertThat(page.value("node_hwmon_temp_celsius{chip=\"platform_coretemp_0\", sensor=\"temp2\"}")).isEqualTo(51.0);
        assertThat(page.value("node_hwmon_chip_names{chip=\"platform_coretemp_0\", chip_name=\"coretemp\"}")).isEqualTo(1.0);
        assertThat(page.value("node_hwmon_update_interval_seconds{chip=\"platform_coretemp_0\", sensor=\"update_interval0\"}"))
                .isEqualTo(1.0);
    }

    @Test
    void mdadmReportsDisksStatesAndRecoveryProgress() {
        PageRecorder page = scrape();
        assertThat(page.value("node_md_disks{device=\"md0\", state=\"active\"}")).isEqualTo(2.0);
        assertThat(page.value("node_md_disks{device=\"md1\", state=\"active\"}")).isEqualTo(1.0);
        assertThat(page.value("node_md_disks{device=\"md1\", state=\"failed\"}")).isEqualTo(1.0);
        assertThat(page.value("node_md_disks{device=\"md1\", state=\"spare\"}")).isEqualTo(1.0);
        assertThat(page.value("node_md_disks_required{device=\"md1\"}")).isEqualTo(2.0);
        assertThat(page.value("node_md_state{device=\"md1\", state=\"recovering\"}")).isEqualTo(1.0);
        assertThat(page.value("node_md_state{device=\"md0\", state=\"active\"}")).isEqualTo(1.0);
        assertThat(page.value("node_md_blocks_synced{device=\"md1\"}")).isEqualTo(180000.0);
        assertThat(page.value("node_md_blocks_synced{device=\"md0\"}")).isEqualTo(1000000.0);
    }

    @Test
    void unameOsPressureSchedstatEntropyFilefdAndTextfile() {
        PageRecorder page = scrape();
        assertThat(page.value("node_uname_info{domainname=\"(none)\", machine=\"x86_64\", nodename=\"fixture-host\", "
                + "release=\"6.1.0-test\", sysname=\"Linux\", version=\"#1 SMP PREEMPT_DYNAMIC Debian 6.1.0\"}")).isEqualTo(1.0);
        assertThat(page.value("node_os_version{id=\"debian\", name=\"Debian GNU/Linux\"}")).isEqualTo(12.0);
        assertThat(page.value("node_pressure_cpu_waiting_seconds_total{}")).isEqualTo(1.5);
        assertThat(page.value("node_pressure_io_stalled_seconds_total{}")).isEqualTo(1.0);
        assertThat(page.value("node_pressure_memory_stalled_seconds_total{}")).isEqualTo(0.1);
        assertThat(page.value("node_schedstat_running_seconds_total{cpu=\"1\"}")).isEqualTo(3.0);
        assertThat(page.value("node_schedstat_timeslices_total{cpu=\"0\"}")).isEqualTo(1000.0);
        assertThat(page.value("node_entropy_available_bits{}")).isEqualTo(256.0);
        assertThat(page.value("node_filefd_maximum{}")).isEqualTo(9.223372036854775807E18);
        assertThat(page.value("app_up{site=\"a\"}")).isEqualTo(1.0);
        assertThat(page.value("app_up{}")).isEqualTo(0.0);
        assertThat(page.value("node_textfile_scrape_error{}")).isEqualTo(0.0);
        assertThat(page.families.get("node_textfile_mtime_seconds").samples).hasSize(1);
    }

    @Test
    void filesystemExcludesPseudoAndDefaultExcludedMountsAndReportsUnreadableOnes() {
        PageRecorder page = scrape();
        assertThat(page.value("node_filesystem_device_error{device=\"/dev/vda\", fstype=\"ext4\", mountpoint=\"/\"}")).isEqualTo(0.0);
        assertThat(page.value("node_filesystem_size_bytes{device=\"/dev/vda\", fstype=\"ext4\", mountpoint=\"/\"}")).isPositive();
        assertThat(page.value("node_filesystem_device_error{device=\"/dev/vda\", fstype=\"ext4\", mountpoint=\"/srv/with space\"}"))
                .as("mount point missing under the rootfs").isEqualTo(1.0);
        assertThat(page.families.get("node_filesystem_size_bytes").samples.keySet()).noneMatch(k -> k.contains("/proc") || k.contains("/mnt"));
    }

    @Test
    void aMissingFileMakesOnlyItsCollectorFailWithoutOutput() throws IOException {
        Files.delete(root.resolve("proc/loadavg"));
        Files.delete(root.resolve("proc/mdstat"));
        PageRecorder page = scrape();
        assertThat(page.value("node_scrape_collector_success{collector=\"loadavg\"}")).isEqualTo(0.0);
        assertThat(page.value("node_scrape_collector_success{collector=\"mdadm\"}")).isEqualTo(0.0);
        assertThat(page.families).doesNotContainKeys("node_load1", "node_md_disks");
        assertThat(page.value("node_scrape_collector_success{collector=\"meminfo\"}")).isEqualTo(1.0);
    }

    @Test
    void aMalformedFileFailsItsCollectorWithoutPartialOutputAndTheOthersCarryOn() throws IOException {
        Files.writeString(root.resolve("proc/meminfo"), "MemTotal:  100 kB\nMemFree: lots kB\n");
        Files.writeString(root.resolve("proc/stat"), "cpu0 1 2\n");
        PageRecorder page = scrape();
        assertThat(page.value("node_scrape_collector_success{collector=\"meminfo\"}")).isEqualTo(0.0);
        assertThat(page.families).as("no partial meminfo output").doesNotContainKey("node_memory_MemTotal_bytes");
        assertThat(page.value("node_scrape_collector_success{collector=\"cpu\"}")).isEqualTo(0.0);
        assertThat(page.families).doesNotContainKey("node_cpu_seconds_total");
        assertThat(page.value("node_scrape_collector_success{collector=\"loadavg\"}")).isEqualTo(1.0);
        assertThat(page.value("node_load1{}")).isEqualTo(0.25);
    }

    @Test
    void aBadTextfileSetsTheErrorMetricAndTheGoodFilesStillCount() throws IOException {
        Files.writeString(root.resolve("textfile/bad.prom"), "metric{label=\"unterminated} 1\n");
        Files.writeString(root.resolve("textfile/stamped.prom"), "with_timestamp 1 1700000000000\n");
        PageRecorder page = scrape();
        assertThat(page.value("node_textfile_scrape_error{}")).isEqualTo(1.0);
        assertThat(page.value("node_scrape_collector_success{collector=\"textfile\"}")).isEqualTo(1.0);
        assertThat(page.value("app_up{site=\"a\"}")).isEqualTo(1.0);
        assertThat(page.families).doesNotContainKeys("metric", "with_timestamp");
    }

    @Test
    void aSwitchedOffCollectorDoesNotRun() {
        flag("collector.cpu", "false");
        flag("collector.cpu.guest", "false");
        PageRecorder page = scrape();
        assertThat(page.families).doesNotContainKey("node_cpu_seconds_total");
        assertThat(page.value("node_scrape_collector_success{collector=\"cpu\"}")).isNull();
    }
}
