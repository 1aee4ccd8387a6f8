import { KEY_OUTCOMES, type KeyUsagePoint } from "@keyward/shared";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { OUTCOME_STYLE } from "./usage-outcomes";

/** The outcome-stacked chart; loaded on demand (recharts stays out of the keys page's first load). */
export function UsageChart({
  points,
  formatTick,
}: {
  points: KeyUsagePoint[];
  formatTick: (t: string) => string;
}) {
  return (
    <ResponsiveContainer width="100%" height={200}>
      <BarChart
        data={points}
        margin={{ top: 8, right: 8, bottom: 0, left: -16 }}
        accessibilityLayer={false}
      >
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e6ec" />
        <XAxis
          dataKey="t"
          tickFormatter={formatTick}
          fontSize={11}
          minTickGap={24}
          stroke="#4b5563"
        />
        <YAxis allowDecimals={false} fontSize={11} width={48} stroke="#4b5563" />
        <Tooltip labelFormatter={(t) => formatTick(String(t))} />
        {KEY_OUTCOMES.map((outcome) => (
          <Bar
            key={outcome}
            dataKey={outcome}
            name={OUTCOME_STYLE[outcome].label}
            stackId="outcomes"
            fill={OUTCOME_STYLE[outcome].color}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}
