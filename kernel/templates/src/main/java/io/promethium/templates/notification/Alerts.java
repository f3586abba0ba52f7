package io.promethium.templates.notification;

import io.promethium.templates.TemplateValue;
import java.util.AbstractList;
import java.util.List;

/** The alerts of a notification, with {@code .Firing} and {@code .Resolved}. */
public final class Alerts extends AbstractList<NotificationAlert> implements TemplateValue {

    private final List<NotificationAlert> alerts;

    public Alerts(List<NotificationAlert> alerts) {
        this.alerts = List.copyOf(alerts);
    }

    @Override
    public NotificationAlert get(int index) {
        return alerts.get(index);
    }

    @Override
    public int size() {
        return alerts.size();
    }

    public Alerts firing() {
        return new Alerts(alerts.stream().filter(a -> a.status().equals("firing")).toList());
    }

    public Alerts resolved() {
        return new Alerts(alerts.stream().filter(a -> a.status().equals("resolved")).toList());
    }

    @Override
    public Object field(String name) {
        return switch (name) {
            case "Firing" -> firing();
            case "Resolved" -> resolved();
            default -> NO_FIELD;
        };
    }

    @Override
    public String typeName() {
        return "template.Alerts";
    }
}
