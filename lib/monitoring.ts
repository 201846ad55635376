/**
 * Alarms and a small dashboard: the API's 5xx rate, p99 latency and 429 answers
 * (counted from the JSON access log by a metric filter: the requests the stage's
 * throttle refuses never reach a function), and the functions' throttles and
 * errors (the GamePot authorizer's included, when the stage has one), with an
 * optional SNS topic or email.
 */
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  CfnDashboard,
  Unit,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { GUARD_REFUSED_MESSAGE, guardRefusalCodes } from '../functions/core/errors.js';
import { acknowledge } from './nag.js';
import { pascal } from './names.js';
import type { StageConfig } from './stage-config.js';

const PERIOD = Duration.minutes(5);

/** The project's own metrics (from log metric filters), one namespace per stage so stages never mix. */
const metricNamespaceOf = (stage: string) => `FriendshipBff/${stage}`;
/** Requests the API answered 429, counted from the access log. */
const THROTTLED_REQUESTS_METRIC = 'ThrottledRequests';
/** Calls the player guard refused, counted from the functions' logs, by `code`. */
const GUARD_REFUSALS_METRIC = 'GuardRefusals';

interface AlarmRule {
  readonly metric: IMetric;
  readonly threshold: number;
  readonly comparison: ComparisonOperator;
  /** Evaluated over this many 5-minute periods… */
  readonly periods: number;
  /** …of which this many must breach. */
  readonly datapoints: number;
}

export interface MonitoringProps {
  /** The stage's name: the dashboard is `FriendshipBff-<stage>`, the metrics `FriendshipBff/<stage>`. */
  readonly stage: string;
  readonly api: IHttpApi;
  /** Every function the stage runs, by name: their errors and throttles are summed for the alarms. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** The functions the player guard runs in (their log groups carry its `guard refused` lines). */
  readonly guardedFunctions: Readonly<Record<string, { readonly logGroup: ILogGroup }>>;
  /** The stage's JSON access log, and the key its lines carry `$context.status` under. */
  readonly accessLog: { readonly logGroup: ILogGroup; readonly statusKey: string };
  /** Thresholds and where alarms go (lib/stage-config.ts has their defaults). */
  readonly alarms: StageConfig['alarms'];
}

/** The metrics the alarms and the dashboard share. */
interface StageMetrics {
  readonly requests: Metric;
  readonly serverErrors: Metric;
  readonly serverErrorRate: IMetric;
  readonly p99: IMetric;
  readonly throttles: IMetric;
  readonly errors: IMetric;
  readonly throttledRequests: IMetric;
  readonly guardRefusals: (code: (typeof guardRefusalCodes)[number]) => IMetric;
}

export class Monitoring extends Construct {
  readonly alarms: Alarm[] = [];
  /** Where the alarms go: the created topic (alarms.email) and/or the given one (alarms.topicArn). */
  readonly topics: ITopic[] = [];
  readonly dashboard: Dashboard;
  /** Counts the access log's lines with status 429 into `FriendshipBff/<stage>` `ThrottledRequests`. */
  readonly throttledRequestsFilter: MetricFilter;
  /** Count each function's `guard refused` log lines into `FriendshipBff/<stage>` `GuardRefusals`, by code. */
  readonly guardRefusalsFilters: MetricFilter[];
  private readonly stage: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.stage = props.stage;
    this.topics.push(...this.alarmTopics(props.alarms));
    this.throttledRequestsFilter = this.throttledRequestsCounter(props.accessLog);
    this.guardRefusalsFilters = this.guardRefusalsCounters(props.guardedFunctions);
    const metrics = this.metricsOf(props);
    this.addAlarms(metrics, props.alarms);
    this.dashboard = this.buildDashboard(metrics, props);
  }

  private alarmTopics(settings: MonitoringProps['alarms']): ITopic[] {
    const topics: ITopic[] = [];
    if (settings.email) {
      const topic = new Topic(this, 'AlarmTopic', { displayName: `Friendship BFF (${this.stage}) alarms`, enforceSSL: true });
      topic.addSubscription(new EmailSubscription(settings.email));
      acknowledge(topic, {
        id: 'Serverless::Serverless-SNSRedrivePolicy',
        reason: 'An email subscription for alarms: SNS retries delivery, and the alarm state stays in CloudWatch and on the dashboard if an email is lost.',
      });
      topics.push(topic);
    }
    if (settings.topicArn) topics.push(Topic.fromTopicArn(this, 'ExistingAlarmTopic', settings.topicArn));
    return topics;
  }

  /**
   * API Gateway publishes no metric for the requests the stage's rate/burst limit refuses
   * (they are 4xx, and no function runs): count the access log's 429 lines instead. This also
   * counts the vendor's 429s that the functions pass on (UPSTREAM_RATE_LIMITED): players are
   * refused either way; the log lines' integrationStatus tells them apart ("-": no function ran).
   */
  private throttledRequestsCounter(accessLog: MonitoringProps['accessLog']): MetricFilter {
    return new MetricFilter(this, 'ThrottledRequestsFilter', {
      logGroup: accessLog.logGroup,
      // The access log writes every value as a JSON string, so the status is compared as "429".
      filterPattern: FilterPattern.stringValue(`$.${accessLog.statusKey}`, '=', '429'),
      metricNamespace: metricNamespaceOf(this.stage),
      metricName: THROTTLED_REQUESTS_METRIC,
      metricValue: '1',
      // Every other access log line counts 0: the graph shows "none" rather than "no data".
      defaultValue: 0,
      unit: Unit.COUNT,
    });
  }

  /** One filter per guarded function's log group; the metric is the same, so the graph and the alarm see all of them. */
  private guardRefusalsCounters(functions: MonitoringProps['guardedFunctions']): MetricFilter[] {
    return Object.entries(functions).map(
      ([name, fn]) =>
        new MetricFilter(this, `GuardRefusalsFilter${pascal(name)}`, {
          logGroup: fn.logGroup,
          filterPattern: FilterPattern.stringValue('$.message', '=', GUARD_REFUSED_MESSAGE),
          metricNamespace: metricNamespaceOf(this.stage),
          metricName: GUARD_REFUSALS_METRIC,
          metricValue: '1',
          dimensions: { code: '$.code' },
          unit: Unit.COUNT,
        }),
    );
  }

  private metricsOf({ api, functions }: MonitoringProps): StageMetrics {
    const requests = api.metric('Count', { statistic: 'Sum', period: PERIOD });
    const serverErrors = api.metricServerError({ period: PERIOD });
    const all = Object.values(functions);
    const sumOver = (label: string, metricOf: (fn: IFunction) => IMetric) =>
      new MathExpression({
        expression: all.map((_, index) => `m${index}`).join(' + '),
        usingMetrics: Object.fromEntries(all.map((fn, index) => [`m${index}`, metricOf(fn)])),
        label,
        period: PERIOD,
      });
    return {
      requests,
      serverErrors,
      serverErrorRate: new MathExpression({
        expression: 'IF(requests > 0, 100 * errors / requests, 0)',
        usingMetrics: { requests, errors: serverErrors },
        label: '5xx rate (%)',
        period: PERIOD,
      }),
      p99: api.metricLatency({ statistic: 'p99', period: PERIOD, label: 'p99 latency' }),
      throttles: sumOver('function throttles', (fn) => fn.metricThrottles({ statistic: 'Sum', period: PERIOD })),
      errors: sumOver('function errors', (fn) => fn.metricErrors({ statistic: 'Sum', period: PERIOD })),
      throttledRequests: this.throttledRequestsFilter.metric({ statistic: 'Sum', period: PERIOD, label: 'requests answered 429' }),
      guardRefusals: (code) =>
        new Metric({ namespace: metricNamespaceOf(this.stage), metricName: GUARD_REFUSALS_METRIC, dimensionsMap: { code }, statistic: 'Sum', period: PERIOD, label: code }),
    };
  }

  private addAlarms(metrics: StageMetrics, settings: MonitoringProps['alarms']): void {
    const above = ComparisonOperator.GREATER_THAN_THRESHOLD;
    const any = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD;
    const rate = settings.serverErrorRatePercent;
    const latency = settings.p99LatencyMs;
    // 2 of 3 five-minute periods: one bad burst is not a page.
    this.alarm('ServerErrorRate', { metric: metrics.serverErrorRate, threshold: rate, comparison: above, periods: 3, datapoints: 2 }, `5xx answers above ${rate}% of requests`);
    this.alarm('P99Latency', { metric: metrics.p99, threshold: latency, comparison: above, periods: 3, datapoints: 3 }, `p99 latency above ${latency} ms for 15 minutes`);
    // Throttles mean the reserved concurrency (or the account's) is exhausted: players get 5xx.
    this.alarm('Throttles', { metric: metrics.throttles, threshold: 1, comparison: any, periods: 1, datapoints: 1 }, 'a function was throttled');
    // Errors count only unhandled failures (crashes, timeouts); expected faults are answered in the envelope.
    this.alarm('FunctionErrors', { metric: metrics.errors, threshold: 1, comparison: any, periods: 1, datapoints: 1 }, 'a function failed (crash or timeout)');
    // Players refused with 429: the stage's throttle is too low for the traffic (or a client floods it), or the vendor limits us.
    const refused = settings.throttledRequestsPer5Min;
    this.alarm(
      'ThrottledRequests',
      { metric: metrics.throttledRequests, threshold: refused, comparison: any, periods: 1, datapoints: 1 },
      `${refused} or more requests answered 429 in 5 minutes (the stage's throttle.rateLimit/burstLimit, or the vendor's rate limit passed on)`,
    );
    // The guard fails closed: while its store fails, every player route is refused.
    const unavailable = settings.guardUnavailablePer5Min;
    this.alarm(
      'GuardUnavailable',
      { metric: metrics.guardRefusals('GUARD_UNAVAILABLE'), threshold: unavailable, comparison: any, periods: 1, datapoints: 1 },
      `${unavailable} or more calls answered 503 GUARD_UNAVAILABLE in 5 minutes (the player guard's DynamoDB table failing or slow; the guard fails closed)`,
    );
  }

  private buildDashboard(metrics: StageMetrics, { api, functions, alarms: settings }: MonitoringProps): Dashboard {
    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `FriendshipBff-${this.stage}`, defaultInterval: Duration.hours(3) });
    // cfn-lint 1.51's schema of AWS::CloudWatch::Dashboard predates its Tags (filled by the stack's tags): E3002 on this resource only.
    (dashboard.node.defaultChild as CfnDashboard).addMetadata('cfn-lint', { config: { ignore_checks: ['E3002'] } });
    const perFunction = (metricOf: (fn: IFunction, label: string) => IMetric) => Object.entries(functions).map(([name, fn]) => metricOf(fn, name));
    dashboard.addWidgets(
      new TextWidget({ markdown: `# Friendship BFF (${this.stage})\nAlarms: 5xx rate, p99 latency, requests answered 429, function throttles, function errors, guard unavailable.`, width: 24, height: 2 }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Requests and errors',
        left: [metrics.requests.with({ label: 'requests' }), api.metricClientError({ period: PERIOD, label: '4xx' }), metrics.serverErrors.with({ label: '5xx' })],
        right: [metrics.serverErrorRate],
        width: 8,
      }),
      new GraphWidget({
        title: 'Latency (ms)',
        left: [api.metricLatency({ statistic: 'p50', period: PERIOD, label: 'p50' }), metrics.p99, api.metricIntegrationLatency({ statistic: 'p99', period: PERIOD, label: 'integration p99' })],
        leftAnnotations: [{ value: settings.p99LatencyMs, label: 'p99 alarm' }],
        width: 8,
      }),
      new GraphWidget({
        title: 'Requests answered 429 (throttled)',
        left: [metrics.throttledRequests],
        leftAnnotations: [{ value: settings.throttledRequestsPer5Min, label: '429 alarm' }],
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({ title: 'Function errors', left: perFunction((fn, label) => fn.metricErrors({ statistic: 'Sum', period: PERIOD, label })), width: 8 }),
      new GraphWidget({ title: 'Function throttles', left: perFunction((fn, label) => fn.metricThrottles({ statistic: 'Sum', period: PERIOD, label })), width: 8 }),
      new GraphWidget({ title: 'Function duration p99 (ms)', left: perFunction((fn, label) => fn.metricDuration({ statistic: 'p99', period: PERIOD, label })), width: 8 }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Guard refusals by code',
        left: guardRefusalCodes.map((code) => metrics.guardRefusals(code)),
        leftAnnotations: [{ value: settings.guardUnavailablePer5Min, label: 'GUARD_UNAVAILABLE alarm' }],
        width: 8,
      }),
    );
    return dashboard;
  }

  private alarm(id: string, rule: AlarmRule, description: string): void {
    const alarm = new Alarm(this, id, {
      metric: rule.metric,
      threshold: rule.threshold,
      evaluationPeriods: rule.periods,
      datapointsToAlarm: rule.datapoints,
      comparisonOperator: rule.comparison,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `Friendship BFF (${this.stage}): ${description}.`,
    });
    for (const topic of this.topics) {
      alarm.addAlarmAction(new SnsAction(topic));
      alarm.addOkAction(new SnsAction(topic));
    }
    this.alarms.push(alarm);
  }
}
