package io.promethium.discovery.eureka.internal;

/** Instance documents as Eureka's clients register them ({@code POST /eureka/apps/<APP>}). */
final class EurekaClient {

    private EurekaClient() {
    }

    /** An instance document as Eureka clients send it. */
    static String instance(String app, String host, String ip, int port, String status, int leaseSeconds) {
        String id = host + ":" + app.toLowerCase(java.util.Locale.ROOT) + ":" + port;
        return """
                <instance>
                  <instanceId>%1$s</instanceId>
                  <hostName>%2$s</hostName>
                  <app>%3$s</app>
                  <ipAddr>%4$s</ipAddr>
                  <status>%5$s</status>
                  <overriddenstatus>UNKNOWN</overriddenstatus>
                  <port enabled="true">%6$d</port>
                  <securePort enabled="false">443</securePort>
                  <countryId>1</countryId>
                  <dataCenterInfo class="com.netflix.appinfo.InstanceInfo$DefaultDataCenterInfo">
                    <name>MyOwn</name>
                  </dataCenterInfo>
                  <leaseInfo>
                    <renewalIntervalInSecs>1</renewalIntervalInSecs>
                    <durationInSecs>%7$d</durationInSecs>
                  </leaseInfo>
                  <metadata>
                    <management.port>%6$d</management.port>
                  </metadata>
                  <homePageUrl>http://%2$s:%6$d/</homePageUrl>
                  <statusPageUrl>http://%2$s:%6$d/info</statusPageUrl>
                  <healthCheckUrl>http://%2$s:%6$d/health</healthCheckUrl>
                  <vipAddress>%8$s</vipAddress>
                  <secureVipAddress>%8$s</secureVipAddress>
                  <isCoordinatingDiscoveryServer>false</isCoordinatingDiscoveryServer>
                  <actionType>ADDED</actionType>
                </instance>""".formatted(id, host, app, ip, status, port, leaseSeconds, app.toLowerCase(java.util.Locale.ROOT));
    }
}
